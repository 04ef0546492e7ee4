// `verdict export` in a child process on a study read through the API: every format is written
// where --out says; wrong arguments are refused with the reason. `verdict results` prints the comparisons.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../tests/support/data';
import { runVerdict } from '../../tests/support/run-verdict';
import { readWholeStudy } from '../services/export/read-study-fixture';
import { EXPORT_FORMATS, type StudyResults } from '../../app/results';
import { readCsvAsR } from '../../tests/support/mrmc-tool-readers';

let db: string;
let studyId: number;
let answers: number;

beforeAll(async () => {
  const s = await readWholeStudy();
  db = s.v.dbPath;
  studyId = s.studyId;
  answers = (
    s.v.study.db
      .prepare('SELECT COUNT(*) AS n FROM answer WHERE NOT EXISTS (SELECT 1 FROM answer b WHERE b.supersedes = answer.id)')
      .get() as { n: number }
  ).n;
  s.v.close();
}, 240_000);

describe('verdict export', () => {
  it('writes every format to --out', async () => {
    const dir = tempDir();
    for (const format of EXPORT_FORMATS) {
      const out = join(dir, `study.${format}`);
      const r = await runVerdict(['export', '--db', db, '--study', String(studyId), '--format', format, '--out', out]);
      expect(r, format).toMatchObject({ code: 0, stderr: expect.stringContaining(`wrote ${format} export of study ${studyId}`) });
      const text = readFileSync(out, 'utf8');
      // Unblinded answers and reader names: the user's alone (issue 16 §12).
      if (process.platform !== 'win32') expect((statSync(out).mode & 0o777).toString(8), format).toBe('600');
      if (format === 'csv') expect(parse(text, { columns: true })).toHaveLength(answers);
      if (format === 'imrmc' || format === 'rjafroc') expect(text).toMatch(/\r\nNR:\d+\r\nNM:\d\r\nBEGIN DATA:\r\n/);
      if (format === 'json') expect(JSON.parse(text).format).toBe('verdict-study-export/1');
    }
  }, 180_000);

  it('refuses wrong arguments, saying which', async () => {
    const dir = tempDir();
    expect(
      (await runVerdict(['export', '--db', db, '--study', String(studyId), '--format', 'xlsx', '--out', join(dir, 'x')])).stderr,
    ).toContain('--format must be one of csv, comparisons, imrmc, rjafroc, mrmcaov, mrmc-key, kappa, icc, json (got "xlsx")');
    expect((await runVerdict(['export', '--db', db, '--study', '999', '--format', 'csv', '--out', join(dir, 'x')])).stderr).toContain(
      'No study with id 999',
    );
    expect(
      (await runVerdict(['export', '--db', join(dir, 'none.db'), '--study', '1', '--format', 'csv', '--out', join(dir, 'x')])).stderr,
    ).toContain('No study database at');
    expect(
      (
        await runVerdict([
          'export',
          '--db',
          db,
          '--study',
          String(studyId),
          '--format',
          'imrmc',
          '--question',
          'nope',
          '--out',
          join(dir, 'x'),
        ])
      ).stderr,
    ).toContain('--question nope: no such question');
    const help = await runVerdict(['export', '--help']);
    expect(help).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('--format csv|comparisons|imrmc|rjafroc|mrmcaov|mrmc-key|kappa|icc|json'),
    });
  }, 60_000);
});

describe('verdict results', () => {
  it('prints each comparison with its levels, differences and p-values, and the rules; --json gives the same numbers', async () => {
    const json = await runVerdict(['results', '--db', db, '--study', String(studyId), '--json']);
    expect(json.code).toBe(0);
    const r = JSON.parse(json.stdout) as StudyResults;
    const loc = r.comparisons.find((c) => c.questionId === 'localisation' && c.fom === 'mean')!;
    expect(loc.differences).toHaveLength(3);
    const text = await runVerdict(['results', '--db', db, '--study', String(studyId)]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('localisation · mean · conditions in phase ai-explanation: mean rating over readers and cases');
    const d = loc.differences[0];
    const label = new Map(loc.levels.map((l) => [l.id, l.label]));
    expect(text.stdout).toContain(
      `  ${label.get(d.a)} − ${label.get(d.b)}: ${d.estimate.toFixed(2)} [${d.ci![0].toFixed(2)}, ${d.ci![1].toFixed(2)}]`,
    );
    expect(text.stdout).toMatch(/Rules:\n {2}- “diagnosis” is scored against the truth/);
    // The malignancy rating's call rule (app/call-rule.ts; the default: the middle answer a negative call) beside its accuracy and in the rules.
    const call = 'call: a rating above 3 on 1–5 is positive, below it negative; the middle answer 3 counts as a negative call';
    expect(text.stdout).toContain(`malignancy · accuracy · phases: share of right calls — truth — Malignancy: LIDC median malignancy ≥ 4`);
    expect(text.stdout).toMatch(new RegExp(`malignancy · accuracy · phases: .*${call}`));
    expect(text.stdout).toMatch(new RegExp(`- “malignancy” is scored against the truth — .*${call}`));
    expect(text.stdout).toMatch(/malignancy · auc · phases: .*the call rule sets accuracy only/);
    // The comparisons export: the same differences, in columns R reads as numbers.
    const out = join(tempDir(), 'comparisons.csv');
    await runVerdict(['export', '--db', db, '--study', String(studyId), '--format', 'comparisons', '--out', out]);
    const csv = readCsvAsR(readFileSync(out, 'utf8'));
    const col = (name: string) => csv.columns[csv.names.indexOf(name)];
    for (const name of ['estimate', 'se', 'df', 'ci_lower', 'ci_upper', 'p', 'readers', 'cases'])
      expect(['numeric', 'integer'], name).toContain(csv.types[csv.names.indexOf(name)]);
    const row = col('row').findIndex(
      (x, i) => x === 'difference' && col('question_id')[i] === 'localisation' && col('level')[i] === d.a && col('versus')[i] === d.b,
    );
    expect(Number(col('estimate')[row])).toBeCloseTo(d.estimate, 12);
    expect(Number(col('p')[row])).toBeCloseTo(d.p!, 12);
  }, 120_000);
});
