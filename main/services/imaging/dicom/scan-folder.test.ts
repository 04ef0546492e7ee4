import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFiles, scanDicomFolder } from './scan-folder';
import { CONFORMANCE, LIDC_0001, LIDC_0001_SERIES } from './test-fixtures';

describe('scanDicomFolder', () => {
  it('sorts every conformance file into instances, refusals and quiet skips, reporting progress', async () => {
    const progress: [number, number][] = [];
    const result = await scanDicomFolder(CONFORMANCE, { onProgress: (done, total) => progress.push([done, total]) });
    const total = (await listFiles(CONFORMANCE)).length;
    expect(result.instances.length + result.refused.length + result.skipped.length).toBe(total);
    expect(progress).toHaveLength(total);
    expect(progress.at(-1)).toEqual([total, total]);
    const refused = Object.fromEntries(result.refused.map((r) => [basename(r.path), r.code]));
    expect(refused).toMatchObject({
      'CTImageEvenAligned.dat': 'dicom.not-dicom',
      'no-pixel-data.dcm': 'dicom.no-pixel-data',
      report_dfl: 'dicom.no-pixel-data',
      'CTImage.dcm_JPEGProcess2_4TransferSyntax_1.2.840.10008.1.2.4.51.dcm': 'dicom.unsupported-syntax',
    });
    expect(result.skipped.map((s) => basename(s.path)).sort()).toEqual(['README.md', 'README.md', 'README.md', 'metadata']);
    expect(result.instances).toHaveLength(37); // the decodable files of conformance.test.ts
    expect(result.instances.every((i) => /^[0-9a-f]{64}$/.test(i.sha256))).toBe(true);
  });

  it('survives junk: truncated, empty, noise, images and nested folders', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verdict-scan-'));
    mkdirSync(join(dir, 'a/b'), { recursive: true });
    const slice = readFileSync(join(LIDC_0001_SERIES, '000001.dcm'));
    writeFileSync(join(dir, 'a/b/cut.dcm'), slice.subarray(0, 300_000));
    writeFileSync(join(dir, 'a/empty'), new Uint8Array(0));
    writeFileSync(
      join(dir, 'a/noise.dcm'),
      new Uint8Array(10_000).map((_, i) => (i * 7919) & 255),
    );
    writeFileSync(join(dir, 'photo.jpg'), Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]));
    writeFileSync(join(dir, 'notes'), '<?xml version="1.0"?><x/>');
    copyFileSync(join(LIDC_0001_SERIES, '000002.dcm'), join(dir, 'a/b/good'));
    for (const hash of [true, false]) {
      const r = await scanDicomFolder(dir, { hash });
      expect(r.instances.map((i) => basename(i.path))).toEqual(['good']);
      expect(Object.fromEntries(r.refused.map((x) => [basename(x.path), x.code]))).toEqual({
        'cut.dcm': hash ? 'dicom.not-dicom' : 'dicom.decode-failed', // the header-only scan checks the length against the file size
        'noise.dcm': 'dicom.not-dicom',
      });
      expect(r.skipped.map((s) => basename(s.path)).sort()).toEqual(['empty', 'notes', 'photo.jpg']);
      expect(r.refused.every((x) => x.reason.includes(basename(x.path)))).toBe(true);
    }
  });

  it('stops with import.cancelled when the signal aborts', async () => {
    const ctl = new AbortController();
    const seen: number[] = [];
    const scan = scanDicomFolder(LIDC_0001, {
      onProgress: (done) => {
        seen.push(done);
        if (done === 3) ctl.abort();
      },
      signal: ctl.signal,
    });
    await expect(scan).rejects.toMatchObject({ code: 'import.cancelled' });
    expect(Math.max(...seen)).toBeLessThan(20);
  });

  it('the header-only scan (no hash) gives the same metadata as the full read', async () => {
    const full = await scanDicomFolder(LIDC_0001);
    const head = await scanDicomFolder(LIDC_0001, { hash: false });
    expect(head.instances.map((i) => ({ ...i, sha256: '' }))).toEqual(full.instances.map((i) => ({ ...i, sha256: '' })));
    expect(head.skipped.map((s) => basename(s.path))).toEqual(['069.xml']);
  });

  it('a folder that does not exist is reported, not thrown raw', async () => {
    await expect(scanDicomFolder(join(tmpdir(), 'no-such-folder-verdict'))).rejects.toMatchObject({ code: 'file.not-found' });
  });
});
