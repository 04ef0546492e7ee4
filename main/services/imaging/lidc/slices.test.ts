import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseLidcXml } from './parse-xml';
import { createSliceMatcher, matchRoisToSlices, medianSpacing, type SliceRef } from './slices';
import { readSlices, readText, series0001Dir } from './test-data';
import type { LidcNoduleMark } from './types';

describe('LIDC-IDRI-0001: 069.xml against its 133 DICOM slices', () => {
  const dir = series0001Dir();
  const slices = readSlices(dir);
  const msg = parseLidcXml(readText(join(dir, '069.xml')), '069.xml');
  const marks = msg.sessions.flatMap((s) => s.nodules);

  test('every ROI finds its slice by SOP Instance UID, and the slice z agrees with the XML', () => {
    expect(slices).toHaveLength(133);
    const m = matchRoisToSlices(marks, slices);
    expect(m.sliceSpacing).toBeCloseTo(2.5, 6);
    expect(m.unmatched).toEqual([]);
    for (const mark of m.marks) {
      for (const r of mark.rois) {
        expect(r.matchedBy).toBe('sop');
        expect(slices[r.sliceIndex as number].z).toBeCloseTo(r.z, 3);
      }
    }
  });

  test('non-nodule points match too', () => {
    const { match } = createSliceMatcher(slices);
    const hits = msg.sessions.flatMap((s) => s.nonNodules).map((n) => match(n));
    expect(hits.every((h) => h.matchedBy === 'sop')).toBe(true);
  });

  test('with SOP UIDs unknown, z alone finds the same slices', () => {
    const anonymised = slices.map((s, i) => ({ sopInstanceUid: `other-${i}`, z: s.z }));
    const bySop = matchRoisToSlices(marks, slices).marks.flatMap((m) => m.rois.map((r) => r.sliceIndex));
    const byZ = matchRoisToSlices(marks, anonymised);
    expect(byZ.marks.flatMap((m) => m.rois.map((r) => r.matchedBy)).every((k) => k === 'z')).toBe(true);
    expect(byZ.marks.flatMap((m) => m.rois.map((r) => r.sliceIndex))).toEqual(bySop);
  });
});

describe('z fallback and unmatched ROIs', () => {
  // Slices every 2.5 mm from 0 to 10, given out of order: indices refer to this array.
  const slices: SliceRef[] = [5, 0, 2.5, 10, 7.5].map((z) => ({ sopInstanceUid: `s${z}`, z }));
  const mark = (zs: [number, string][]): LidcNoduleMark => ({
    noduleId: 'n',
    small: false,
    rois: zs.map(([z, sop]) => ({ z, sopInstanceUid: sop, inclusion: true, edgeMap: [{ x: 0, y: 0 }] })),
  });

  test('SOP first, then nearest z within half a spacing (1.25 mm)', () => {
    const m = matchRoisToSlices(
      [
        mark([
          [99, 's5'],
          [2.4, 'x'],
          [8.7, 'x'],
          [11.3, 'x'],
          [-2, 'x'],
        ]),
      ],
      slices,
    );
    expect(m.sliceSpacing).toBe(2.5);
    expect(m.marks[0].rois.map((r) => [r.sliceIndex, r.matchedBy])).toEqual([
      [0, 'sop'], // SOP wins even though z = 99 is far away
      [2, 'z'],
      [4, 'z'], // 1.2 mm from 7.5
      [null, null],
      [null, null],
    ]);
    expect(m.unmatched).toEqual([
      { markIndex: 0, roiIndex: 3, noduleId: 'n', z: 11.3, sopInstanceUid: 'x' },
      { markIndex: 0, roiIndex: 4, noduleId: 'n', z: -2, sopInstanceUid: 'x' },
    ]);
  });

  test('median spacing ignores one missing slice', () => {
    expect(medianSpacing([0, 2.5, 5, 10, 12.5, 15])).toBe(2.5);
    expect(medianSpacing([3])).toBeNaN();
  });
});
