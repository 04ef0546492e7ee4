// What an import does with bad input, cancellation and changed files: clear reasons, and the
// study database never holds a half-written case.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lidc0001, lidcSlices, tempDir, xml0003 } from '../../../tests/support/data';
import { verdictPerTest } from '../../../tests/support/verdict';

const fresh = verdictPerTest();

describe('import errors', () => {
  it('reports a folder that does not exist, and the study stays empty', async () => {
    const v = fresh();
    const r = await v.imports.run('/no/such/folder');
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/\/no\/such\/folder is not a folder/);
    expect(v.cases.count()).toBe(0);
  });

  it('refuses a truncated DICOM file by name and imports the rest', async () => {
    const v = fresh();
    const dir = lidcSlices(5);
    const victim = readdirSync(dir)[2];
    writeFileSync(join(dir, victim), readFileSync(join(dir, victim)).subarray(0, 4000));
    const r = await v.imports.run(dir);
    expect(r.status).toBe('done');
    expect(r.refused).toHaveLength(1);
    expect(r.refused[0].path).toContain(victim);
    expect(r.refused[0].reason).toContain(victim);
    expect(r.cases[0].series[0].slices).toBe(4);
  });

  it('keeps an XML whose series is absent out of the study, and says so', async () => {
    const v = fresh();
    const dir = tempDir();
    copyFileSync(xml0003, join(dir, 'LIDC-IDRI-0003-072.xml'));
    const r = await v.imports.run(dir);
    expect(r.cases).toEqual([]);
    expect(r.warnings.join('\n')).toMatch(/LIDC-IDRI-0003-072\.xml: its series .* is not in this folder or the study/);
  });

  it('refuses a malformed LIDC XML by name', async () => {
    const v = fresh();
    const dir = tempDir();
    writeFileSync(join(dir, 'broken.xml'), '<?xml version="1.0"?><LidcReadMessage xmlns="http://www.nih.gov"><ResponseHeader>');
    const r = await v.imports.run(dir);
    expect(r.refused).toHaveLength(1);
    expect(r.refused[0]).toMatchObject({ code: 'lidc.bad-xml' });
    expect(r.refused[0].reason).toContain('broken.xml');
  });

  it('stops when cancelled, keeping only whole cases', async () => {
    const v = fresh();
    const jobId = v.imports.start(lidc0001);
    await new Promise<void>((resolve) => {
      const off = v.events.connect(v.newCaller(), (m) => {
        if (m.event === 'import.progress' && m.payload.phase === 'reading') {
          off();
          v.imports.cancel(jobId);
          resolve();
        }
      });
    });
    const report = await new Promise((resolve) =>
      v.events.connect(v.newCaller(), (m) => m.event === 'import.finished' && resolve(m.payload)),
    );
    expect(report).toMatchObject({ status: 'cancelled' });
    expect(v.cases.count()).toBe(0);
    const job = v.study.db.prepare('SELECT status FROM import_job WHERE id = ?').get(jobId);
    expect(job).toEqual({ status: 'cancelled' });
  });

  it('refuses a second import while one runs', () => {
    const v = fresh();
    v.imports.start(lidc0001);
    expect(() => v.imports.start(lidc0001)).toThrow(expect.objectContaining({ code: 'import.busy' }));
    v.imports.cancelAll();
  });

  it('will not show pixels from a file that changed after import', async () => {
    const v = fresh();
    const dir = lidcSlices(3);
    const r = await v.imports.run(dir);
    const seriesId = v.cases.get(r.cases[0].caseId).series[0].id;
    const row = v.study.db.prepare('SELECT path FROM image WHERE series_id = ? AND slice_index = 1').get(seriesId) as { path: string };
    const bytes = readFileSync(row.path);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(row.path, bytes);
    await expect(v.imaging.ctSlice(seriesId, 1)).rejects.toMatchObject({ code: 'file.changed' });
    await expect(v.imaging.ctSlice(seriesId, 0)).resolves.toMatchObject({ rows: 512 });
  });

  it('finds nothing in a folder of unrelated files, and says so', async () => {
    const v = fresh();
    const dir = tempDir();
    mkdirSync(join(dir, 'notes'));
    writeFileSync(join(dir, 'notes', 'readme.md'), '# nothing here');
    const r = await v.imports.run(dir);
    expect(r.status).toBe('done');
    expect(r.warnings.join()).toMatch(/No DICOM series, LIDC reader XML or dermoscopic images were found/);
  });
});
