// Ties reader contours to the slices of the loaded CT series.
// The SOP Instance UID is the reliable key: in a few LIDC cases the XML's imageZposition does
// not equal the DICOM z (pylidc documents such cases), so z is only the fallback, and only when
// it lands within half a slice spacing of a slice.

import { median } from '../../../../app/numeric';
import type { LidcNoduleMark, LidcRoi } from './types';

/** One slice of the series; its index in the array passed in is the slice index reported. */
export type SliceRef = { sopInstanceUid: string; z: number };

export type SliceMatchKind = 'sop' | 'z';
export type SliceHit = { sliceIndex: number; matchedBy: SliceMatchKind } | { sliceIndex: null; matchedBy: null };

export type MatchedRoi = LidcRoi & SliceHit;
export type MatchedMark = Omit<LidcNoduleMark, 'rois'> & { rois: MatchedRoi[] };
export type UnmatchedRoi = { markIndex: number; roiIndex: number; noduleId: string; z: number; sopInstanceUid: string };

export type RoiSliceMatch = {
  marks: MatchedMark[];
  unmatched: UnmatchedRoi[];
  /** The spacing (mm) used for the z fallback: the median gap between distinct slice positions. */
  sliceSpacing: number;
};

/**
 * Median gap (mm) between consecutive distinct z positions, or NaN for fewer than two.
 * The median ignores the odd missing slice in a series.
 */
export function medianSpacing(zs: readonly number[]): number {
  const sorted = [...new Set(zs)].sort((a, b) => a - b);
  const gaps: number[] = [];
  for (let i = 1; i < sorted.length; i++) gaps.push(sorted[i] - sorted[i - 1]);
  return median(gaps);
}

/**
 * A function finding the slice of a reference (an ROI or a non-nodule point): by SOP Instance UID,
 * else the nearest z within half the slice spacing. With a single slice the z fallback needs an
 * exact match (to 1 µm), as there is no spacing to judge by.
 */
export function createSliceMatcher(slices: readonly SliceRef[]): {
  match: (ref: { sopInstanceUid: string; z: number }) => SliceHit;
  sliceSpacing: number;
} {
  const bySop = new Map<string, number>();
  slices.forEach((s, i) => {
    if (!bySop.has(s.sopInstanceUid)) bySop.set(s.sopInstanceUid, i);
  });
  const sliceSpacing = medianSpacing(slices.map((s) => s.z));
  const tolerance = Number.isFinite(sliceSpacing) ? sliceSpacing / 2 : 1e-3;
  const match = (ref: { sopInstanceUid: string; z: number }): SliceHit => {
    const i = bySop.get(ref.sopInstanceUid);
    if (i !== undefined) return { sliceIndex: i, matchedBy: 'sop' };
    let best = -1;
    let bestDist = Infinity;
    slices.forEach((s, j) => {
      const d = Math.abs(s.z - ref.z);
      if (d < bestDist) {
        best = j;
        bestDist = d;
      }
    });
    return best >= 0 && bestDist <= tolerance + 1e-6 ? { sliceIndex: best, matchedBy: 'z' } : { sliceIndex: null, matchedBy: null };
  };
  return { match, sliceSpacing };
}

/** Give every ROI of every mark a slice index; ROIs that match no slice are listed in `unmatched`. */
export function matchRoisToSlices(marks: readonly LidcNoduleMark[], slices: readonly SliceRef[]): RoiSliceMatch {
  const { match, sliceSpacing } = createSliceMatcher(slices);
  const unmatched: UnmatchedRoi[] = [];
  const matched = marks.map((mark, markIndex) => ({
    ...mark,
    rois: mark.rois.map((roi, roiIndex): MatchedRoi => {
      const hit = match(roi);
      if (hit.sliceIndex === null) {
        unmatched.push({ markIndex, roiIndex, noduleId: mark.noduleId, z: roi.z, sopInstanceUid: roi.sopInstanceUid });
      }
      return { ...roi, ...hit };
    }),
  }));
  return { marks: matched, unmatched, sliceSpacing };
}
