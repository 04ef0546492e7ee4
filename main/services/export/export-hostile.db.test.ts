// Hostile names in every export (issue 16, items 17 and 18), on a study three readers answered
// through the API (read-study-fixture.ts). Then, as an older database or a careless edit could
// leave them, the study is renamed with CR/LF and a forged "BEGIN DATA:" block, and the readers
// are renamed "Dr A", "Dr_A" (one iMRMC id before the fix) and `x;=1+1<tab>@SUM(1)`.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestVerdict } from '../../../tests/support/study-fixture';
import { readWholeStudy } from './read-study-fixture';
import { restoreCell } from './csv-cells';
import { readAsIMrmc, readCsvAsR, readImrmcAsRJafroc } from '../../../tests/support/mrmc-tool-readers';

let v: TestVerdict;
let studyId: number;
let readerIds: number[];
const FORMULA = 'x;=1+1\t@SUM(1)';
const NAMES = ['Dr A', 'Dr_A', FORMULA];
const STUDY_NAME = 'Session1: Pilot nr:2\r\nBEGIN DATA:\r\nDr_A,Derm-001,unaided,5\nforged,Derm-002,ai,1';

beforeAll(async () => {
  ({ v, studyId } = await readWholeStudy());
  const db = v.study.db;
  readerIds = db
    .prepare('SELECT r.id FROM assignment s JOIN reader r ON r.id = s.reader_id WHERE s.study_id = ? ORDER BY s.reader_index')
    .pluck()
    .all(studyId) as number[];
  const rename = db.prepare('UPDATE reader SET name = ? WHERE id = ?');
  readerIds.forEach((id, i) => rename.run(NAMES[i], id));
  db.prepare('UPDATE study SET name = ? WHERE id = ?').run(STUDY_NAME, studyId);
}, 240_000);
afterAll(() => v.close());

/** The `;` and tabs outside quoted fields: what a `;`-locale spreadsheet would split a cell on. */
const unquotedSeparators = (csv: string): number => {
  let n = 0;
  let quoted = false;
  for (const c of csv) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === ';' || c === '\t')) n++;
  }
  return n;
};

describe('item 17: iMRMC front matter and reader ids', () => {
  const imrmc = () => v.exports.build(studyId, 'imrmc').content;

  it('writes the study name on one line: one BEGIN DATA, no forged rows, no count keyword iMRMC would parse', () => {
    const lines = imrmc().split('\r\n').filter(Boolean);
    expect(lines.filter((l) => /^\s*BEGIN DATA:/i.test(l))).toEqual(['BEGIN DATA:']);
    const start = lines.indexOf('BEGIN DATA:');
    expect(lines.slice(start - 4, start)).toEqual([expect.stringMatching(/^N0:\d+$/), expect.stringMatching(/^N1:\d+$/), 'NR:3', 'NM:3']);
    expect(lines[0]).toContain('"Session1 - Pilot nr -2 BEGIN DATA - Dr_A,Derm-001,unaided,5 forged,Derm-002,ai,1"');
    expect(lines.slice(0, start - 4).filter((l) => /N[01RM]:/i.test(l))).toEqual([]);
    const data = lines.slice(start + 1);
    expect(data.every((l) => l.split(',').length === 4)).toBe(true);
    expect(data.some((l) => l.startsWith('forged,'))).toBe(false);
    expect(
      imrmc()
        .split(/\r\n/)
        .every((l) => !/[\r\n]/.test(l)),
    ).toBe(true);
    expect(readAsIMrmc(imrmc()).warnings).toEqual([]);
    expect(readImrmcAsRJafroc('study.imrmc', imrmc())).toMatchObject({ J: 3, I: 3 });
  });

  it('keeps "Dr A" and "Dr_A" apart: readers 1…3 in study order, names only in the key file', () => {
    const text = imrmc();
    const lines = text.split('\r\n').filter(Boolean);
    const scores = lines
      .slice(lines.indexOf('BEGIN DATA:') + 1)
      .map((l) => l.split(','))
      .filter((d) => d[0] !== '-1');
    const perReader = new Map<string, number>();
    for (const d of scores) perReader.set(d[0], (perReader.get(d[0]) ?? 0) + 1);
    expect([...perReader.keys()].sort()).toEqual(['1', '2', '3']);
    // Each reader keeps their own rows (merged, "Dr_A" had twice as many).
    const counts = [...perReader.values()];
    expect(new Set(counts).size).toBe(1);
    expect(counts[0] * 3).toBe(scores.length);
    const key = parse(v.exports.build(studyId, 'mrmc-key').content, { columns: true }) as Record<string, string>[];
    expect(key.filter((k) => k.kind === 'reader').map((k) => [k.id, restoreCell(k.label)])).toEqual([
      ['1', 'Dr A'],
      ['2', 'Dr_A'],
      ['3', FORMULA],
    ]);
    expect(imrmc()).toBe(text);
  });

  it('MRMCaov and kappa keep every reader apart under their id, with columns R reads unchanged', () => {
    const rows = parse(v.exports.build(studyId, 'mrmcaov').content, { columns: true }) as Record<string, string>[];
    expect(new Set(rows.map((r) => r.reader))).toEqual(new Set(['1', '2', '3']));
    expect(readCsvAsR(v.exports.build(studyId, 'kappa').content).names.slice(4)).toEqual(['R1', 'R2', 'R3']);
  });
});

// The MRMCaov and kappa files carry reader ids, not names (issue 19): the key file holds the names.
describe('item 18: every CSV export quotes cells holding `;` or a tab', () => {
  it.each(['csv', 'mrmc-key', 'icc'] as const)('%s: no unquoted `;` or tab, and the name reads back exactly', (format) => {
    const text = v.exports.build(studyId, format).content;
    expect(text).toContain(`"${FORMULA}"`);
    expect(unquotedSeparators(text)).toBe(0);
    const rows = parse(text, { relax_column_count: false }) as string[][];
    expect(rows.flat().map(restoreCell)).toContain(FORMULA);
    // The formula guard still holds: no cell starts with = + @ (a `-` may start a number).
    expect(rows.flat().filter((c) => /^[=+@\t\r]/.test(c))).toEqual([]);
  });
});
