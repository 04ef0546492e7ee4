import { copyFileSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dicomParser } from './dicom-parser-lib';
import { forgetHeaders } from './header-cache';
import { buildSeriesPlans } from './series-plan';
import { loadSlice, loadVolume } from './load-volume';
import { readDicomInstance } from './read-header';
import { scanDicomFolder } from './scan-folder';
import { CONFORMANCE, LIDC_0001, LIDC_0001_SERIES } from './test-fixtures';
import type { SeriesPlan } from './types';

// LIDC-IDRI-0001 reference values, computed once with pydicom 2.3.1 + numpy:
//   ds = sorted((dcmread(p) for p in paths), key=lambda d: dot(IPP, cross(IOP[:3], IOP[3:])))
//   hu = stack([d.pixel_array.astype(int32) * d.RescaleSlope + d.RescaleIntercept for d in ds])
// → 133 slices, z from -340 to -10 mm in steps of 2.5, first file 000021.dcm (InstanceNumber 133),
//   hu.min() -2048 (outside the scan circle), hu.max() 3071, hu.sum() -28831525777, and
//   per-slice sums / two pixels of slices 0, 66 and 132 below.
const PYDICOM = {
  sum: -28831525777,
  slices: [
    { index: 0, file: '000021.dcm', sum: -206998942, centre: -12, at100x400: -1014 },
    { index: 66, file: '000038.dcm', sum: -229858558, centre: 399, at100x400: -1011 },
    { index: 132, file: '000016.dcm', sum: -216608900, centre: 453, at100x400: -998 },
  ],
};

const lidcPlan = async (folder = LIDC_0001): Promise<SeriesPlan> => {
  const plans = buildSeriesPlans((await scanDicomFolder(folder, { hash: false })).instances);
  expect(plans).toHaveLength(1);
  return plans[0];
};

const sliceOf = (hu: Int16Array, i: number, n = 512 * 512) => hu.subarray(i * n, (i + 1) * n);
const sum = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
};

/** HU from the file bytes by hand (dicom-parser for the offsets, DataView per pixel): independent of our decoders. */
const handHu = (path: string): number[] => {
  const ds = dicomParser.parseDicom(readFileSync(path));
  const el = ds.elements.x7fe00010;
  const view = new DataView(ds.byteArray.buffer, ds.byteArray.byteOffset + el.dataOffset, el.length);
  const slope = ds.floatString('x00281053') ?? 1;
  const intercept = ds.floatString('x00281052') ?? 0;
  return Array.from({ length: el.length / 2 }, (_, i) => view.getInt16(i * 2, true) * slope + intercept);
};

describe('LIDC-IDRI-0001 series', () => {
  it('is one series of 133 slices sorted along the normal, 2.5 mm apart, 0.703125 mm pixels', async () => {
    const plan = await lidcPlan();
    expect(plan.slices).toHaveLength(133);
    const z = plan.slices.map((s) => s.z);
    expect(z[0]).toBe(-340);
    expect(z.at(-1)).toBe(-10);
    expect(z.every((v, i) => i === 0 || v > z[i - 1])).toBe(true);
    expect(plan.sliceSpacing).toBe(2.5);
    expect(plan.pixelSpacing).toEqual([0.703125, 0.703125]);
    expect(plan.gapsAfter).toEqual([]);
    expect(plan.warnings).toEqual([]);
    for (const s of PYDICOM.slices) expect(basename(plan.slices[s.index].path)).toBe(s.file);
  });

  it('loads to the HU volume pydicom computes', async () => {
    const vol = await loadVolume(await lidcPlan());
    expect([vol.rows, vol.columns, vol.slices]).toEqual([512, 512, 133]);
    expect(vol.spacing).toEqual([0.703125, 0.703125, 2.5]);
    expect(vol.origin[2]).toBe(-340);
    let min = Infinity;
    let max = -Infinity;
    for (const v of vol.hu) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect([min, max]).toEqual([-2048, 3071]); // air and outside-FOV padding low, bone/contrast high
    expect(sum(vol.hu)).toBe(PYDICOM.sum);
    for (const s of PYDICOM.slices) {
      const slice = sliceOf(vol.hu, s.index);
      expect(sum(slice)).toBe(s.sum);
      expect(slice[256 * 512 + 256]).toBe(s.centre);
      expect(slice[100 * 512 + 400]).toBe(s.at100x400);
    }
  });

  it('each slice equals stored value × slope + intercept read by hand from its file', async () => {
    const plan = await lidcPlan();
    const vol = await loadVolume(plan);
    for (const i of [0, 40, 101, 132]) expect(Array.from(sliceOf(vol.hu, i))).toEqual(handHu(plan.slices[i].path));
  });

  it('shuffled file names and folder order give the same order and volume', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verdict-shuffle-'));
    const files = readdirSync(LIDC_0001_SERIES).filter((f) => f.endsWith('.dcm'));
    files.forEach((f, i) =>
      copyFileSync(join(LIDC_0001_SERIES, f), join(dir, `${String((i * 89) % files.length).padStart(3, '0')}-${(i * 7919) % 1000}.dcm`)),
    );
    const [original, shuffled] = [await lidcPlan(), await lidcPlan(dir)];
    expect(shuffled.slices.map((s) => s.sopInstanceUid)).toEqual(original.slices.map((s) => s.sopInstanceUid));
    const [a, b] = [await loadVolume(original), await loadVolume(shuffled)];
    expect(
      Buffer.from(b.hu.buffer, b.hu.byteOffset, b.hu.byteLength).equals(Buffer.from(a.hu.buffer, a.hu.byteOffset, a.hu.byteLength)),
    ).toBe(true);
  });

  it('the fast path (header cache, bytes read into place) equals the general decode path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verdict-paths-'));
    for (const f of ['000021.dcm', '000105.dcm', '000012.dcm']) copyFileSync(join(LIDC_0001_SERIES, f), join(dir, f));
    const scan = await scanDicomFolder(dir, { hash: false, keepBytes: true });
    const plan = buildSeriesPlans(scan.instances)[0];
    const general = await loadVolume(plan, { bytes: scan.bytes });
    const fast = await loadVolume(plan); // headers from the scan's cache
    expect(Array.from(fast.hu)).toEqual(Array.from(general.hu));
    forgetHeaders();
    const parsed = await loadVolume(plan); // headers parsed from each file's first 16 KB
    expect(Array.from(parsed.hu)).toEqual(Array.from(general.hu));
    // A file changed after the scan is parsed again, not trusted from the cache.
    writeFileSync(plan.slices[0].path, readFileSync(join(LIDC_0001_SERIES, '000001.dcm')));
    utimesSync(plan.slices[0].path, new Date(), new Date(Date.now() + 5000));
    const after = await loadVolume(plan);
    expect(Array.from(sliceOf(after.hu, 0))).toEqual(handHu(join(LIDC_0001_SERIES, '000001.dcm')));
  });

  it('loads one slice for display quickly (first slice on screen < 300 ms)', async () => {
    const plan = await lidcPlan();
    const t = performance.now();
    const s = await loadSlice(plan.slices[66]);
    expect(performance.now() - t).toBeLessThan(300);
    expect(s.frame.kind).toBe('mono');
    expect(sum(s.hu!)).toBe(PYDICOM.slices[1].sum);
  });

  it('reports progress and stops on cancel', async () => {
    const plan = await lidcPlan();
    const ctl = new AbortController();
    const seen: number[] = [];
    const load = loadVolume(plan, { signal: ctl.signal, onProgress: (done) => (seen.push(done), done === 2 && ctl.abort()) });
    await expect(load).rejects.toMatchObject({ code: 'import.cancelled' });
    expect(Math.max(...seen)).toBeLessThan(133);
  });
});

describe('other series', () => {
  const planOf = async (...rel: string[]) => buildSeriesPlans(await Promise.all(rel.map((r) => readDicomInstance(join(CONFORMANCE, r)))));

  it('an enhanced multi-frame CT: frames placed by their functional-group positions and rescaled', async () => {
    const [plan] = await planOf('dicom-parser/encapsulated/multi-frame/CT0012.explicit_little_endian.dcm');
    expect(plan.slices.map((s) => s.frame)).toHaveLength(2);
    expect(plan.sliceSpacing).not.toBeNull();
    const vol = await loadVolume(plan);
    const stored = await loadSlice(plan.slices[0]);
    // rescale intercept -1024 comes from the Pixel Value Transformation functional group
    expect(Array.from(sliceOf(vol.hu, 0)).slice(0, 1000)).toEqual(
      Array.from(stored.frame.pixels)
        .slice(0, 1000)
        .map((v) => v - 1024),
    );
    expect(Array.from(sliceOf(vol.hu, 0))).toEqual(Array.from(stored.hu!));
  });

  it('a compressed series loads like its uncompressed twin', async () => {
    const [a] = await planOf('dicom-parser/encapsulated/single-frame/CT1_UNC.not_fragmented_bot_jpeg_ls.80.dcm');
    const [b] = await planOf('dicom-parser/CT1_UNC.explicit_little_endian.dcm');
    expect(Array.from((await loadVolume(a)).hu)).toEqual(Array.from((await loadVolume(b)).hu));
  });

  it('a colour image cannot become a volume, but loads as a slice', async () => {
    const [plan] = await planOf('cornerstone-loader/US-YBR_FULL_422-EVRLE.dcm');
    await expect(loadVolume(plan)).rejects.toMatchObject({
      code: 'dicom.bad-value',
      message: expect.stringMatching(/US-YBR_FULL_422-EVRLE\.dcm is a colour image/),
    });
    const s = await loadSlice(plan.slices[0]);
    expect(s.frame.kind).toBe('rgb');
    expect(s.hu).toBeNull();
  });

  it('an image without pixel spacing loads with a warning and 1 mm assumed', async () => {
    const [plan] = await planOf('dicom-parser/deflate/image_dfl');
    const vol = await loadVolume(plan);
    expect(vol.spacing.slice(0, 2)).toEqual([1, 1]);
    expect(vol.warnings.join(' ')).toMatch(/No PixelSpacing/);
  });
});
