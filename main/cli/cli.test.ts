// The `verdict` command as users run it (bin/verdict.js in a child process) on real data.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runVerdict } from '../../tests/support/run-verdict';
import { conformance, lidc0001, tempDir } from '../../tests/support/data';
import { loadMigrations } from '../services/db/migrations';
import { migrationsDir } from '../paths';

const run = (...args: string[]) => runVerdict(args);

describe('verdict CLI', () => {
  it('imports LIDC-IDRI-0001 and prints a JSON summary; info reads it back', async () => {
    const db = join(tempDir(), 'study.db');
    const imported = await run('import', lidc0001, '--db', db, '--json');
    expect(imported.code).toBe(0);
    const summary = JSON.parse(imported.stdout);
    expect(summary).toMatchObject({ status: 'done', nodules: 1, readers: 4, refused: [] });
    expect(summary.series).toEqual([
      { uid: '1.3.6.1.4.1.14519.5.2.1.6279.6001.179049373636438705059720603192', slices: 133, spacing: 2.5 },
    ]);

    const info = await run('info', '--db', db, '--json');
    expect(info.code).toBe(0);
    const parsed = JSON.parse(info.stdout);
    expect(parsed).toMatchObject({
      schemaVersion: loadMigrations(migrationsDir()).length,
      cases: 1,
      bySource: { lidc: 1, isic: 0, other: 0 },
      nodules: 1,
    });
    expect(parsed.caseList[0]).toMatchObject({ label: 'CT-001', readers: 4, series: [{ slices: 133, spacing: 2.5 }] });
  });

  it('lists refused conformance files with the transfer syntax named', async () => {
    const db = join(tempDir(), 'study.db');
    const { stdout } = await run('import', conformance, '--db', db, '--json');
    const summary = JSON.parse(stdout) as { refused: { path: string; code: string; reason: string }[]; cases: unknown[] };
    expect(summary.cases.length).toBeGreaterThan(3);
    const jpeg12 = summary.refused.find((r) => r.path.endsWith('CTImage.dcm_JPEGProcess2_4TransferSyntax_1.2.840.10008.1.2.4.51.dcm'))!;
    expect(jpeg12.code).toBe('dicom.unsupported-syntax');
    expect(jpeg12.reason).toContain('1.2.840.10008.1.2.4.51 (JPEG Extended (Process 2 & 4))');
  });

  it('refuses to describe a database that does not exist, without creating it', async () => {
    const db = join(tempDir(), 'missing.db');
    const r = await run('info', '--db', db);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`No study database at ${db}`);
    const again = await run('info', '--db', db);
    expect(again.stderr).toContain('No study database');
  });

  it('explains its usage', async () => {
    const r = await run('import');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/usage: verdict import PATH --db FILE/);
    expect((await run('frobnicate')).code).toBe(2);
  });
});
