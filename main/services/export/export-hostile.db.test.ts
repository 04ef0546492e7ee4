// Hostile names in every export (issue 16, items 17 and 18), on a study three readers answered
// through the API (read-study-fixture.ts). Then, as an older database or a careless edit could
// leave them, the study is renamed with CR/LF and a forged "BEGIN DATA:" block, and the readers
// are renamed "Dr A", "Dr_A" (one iMRMC id before the fix) and `x;=1+1<tab>@SUM(1)`.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestVerdict } from '../../../tests/support/study-fixture';
import { readWholeStudy } from './read-study-fixture';
import { restoreCell } from './csv-cells';

let v: TestVerdict;
let studyId: number;
let readerIds: number[];
const FORMULA = 'x;=1+1\t@SUM(1)';
const NAMES = ['Dr A', 'Dr_A', FORMULA];
const STUDY_NAME = 'Pilot\r\nBEGIN DATA:\r\nDr_A,Derm-001,unaided,5\nforged,Derm-002,ai,1';

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

  it('writes the study name on one line: one BEGIN DATA, no forged rows', () => {
    const lines = imrmc().split('\r\n').filter(Boolean);
    expect(lines.filter((l) => /^\s*BEGIN DATA:/i.test(l))).toEqual(['BEGIN DATA:']);
    const start = lines.indexOf('BEGIN DATA:');
    expect(start).toBe(5);
    expect(lines[0]).toContain('"Pilot BEGIN DATA - Dr_A,Derm-001,unaided,5 forged,Derm-002,ai,1"');
    const data = lines.slice(start + 1);
    expect(data.every((l) => l.split(',').length === 4)).toBe(true);
    expect(data.some((l) => l.startsWith('forged,'))).toBe(false);
    expect(
      imrmc()
        .split(/\r\n/)
        .every((l) => !/[\r\n]/.test(l)),
    ).toBe(true);
  });

  it('keeps "Dr A" and "Dr_A" apart, with ids made from the reader row id (stable across exports)', () => {
    const text = imrmc();
    const lines = text.split('\r\n').filter(Boolean);
    const scores = lines
      .slice(lines.indexOf('BEGIN DATA:') + 1)
      .map((l) => l.split(','))
      .filter((d) => d[0] !== 'truth');
    const perReader = new Map<string, number>();
    for (const d of scores) perReader.set(d[0], (perReader.get(d[0]) ?? 0) + 1);
    const expected = [`Dr_A-r${readerIds[0]}`, `Dr_A-r${readerIds[1]}`, `x__1_1__SUM_1_-r${readerIds[2]}`];
    expect([...perReader.keys()].sort()).toEqual([...expected].sort());
    // Each reader keeps their own rows (merged, "Dr_A" had twice as many).
    const counts = [...perReader.values()];
    expect(new Set(counts).size).toBe(1);
    expect(counts[0] * 3).toBe(scores.length);
    expect(lines.find((l) => l.startsWith('Readers (readerID = name):'))).toBe(
      `Readers (readerID = name): ${expected[0]} = Dr A; ${expected[1]} = Dr_A; ${expected[2]} = x;=1+1 @SUM(1).`,
    );
    expect(imrmc()).toBe(text);
  });

  it('MRMCaov keeps every reader apart under their own name', () => {
    const rows = parse(v.exports.build(studyId, 'mrmcaov').content, { columns: true }) as Record<string, string>[];
    expect(new Set(rows.map((r) => restoreCell(r.reader)))).toEqual(new Set(NAMES));
  });
});

describe('item 18: every CSV export quotes cells holding `;` or a tab', () => {
  it.each(['csv', 'kappa', 'icc', 'mrmcaov'] as const)('%s: no unquoted `;` or tab, and the name reads back exactly', (format) => {
    const text = v.exports.build(studyId, format).content;
    expect(text).toContain(`"${FORMULA}"`);
    expect(unquotedSeparators(text)).toBe(0);
    const rows = parse(text, { relax_column_count: false }) as string[][];
    expect(rows.flat().map(restoreCell)).toContain(FORMULA);
    // The formula guard still holds: no cell starts with = + @ (a `-` may start a number).
    expect(rows.flat().filter((c) => /^[=+@\t\r]/.test(c))).toEqual([]);
  });
});
