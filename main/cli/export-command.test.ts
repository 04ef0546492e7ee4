// `verdict export` in a child process on a study read through the API: every format is written
// where --out says; wrong arguments are refused with the reason.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../tests/support/data';
import { runVerdict } from '../../tests/support/run-verdict';
import { readWholeStudy } from '../services/export/read-study-fixture';
import { EXPORT_FORMATS } from '../../app/results';

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
    ).toContain('--format must be one of csv, imrmc, rjafroc, mrmcaov, mrmc-key, kappa, icc, json (got "xlsx")');
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
    expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining('--format csv|imrmc|rjafroc|mrmcaov|mrmc-key|kappa|icc|json') });
  }, 60_000);
});
