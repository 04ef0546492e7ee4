// Groups the readers' marks into physical nodules, after pylidc's `Scan.cluster_annotations`
// (Hancock & Magnan, pylidc; notmatthancock/pylidc, pylidc/Scan.py). The LIDC gives no link
// between the four readers' marks of one nodule, so it has to be inferred from position.
//
// As in pylidc's default (metric 'min'): two marks are adjacent when the minimum distance
// between their contour points is ≤ a tolerance, which defaults to the slice spacing; physical
// nodules are the connected components. A contour-to-contour distance works where a centroid
// distance does not: readers' centroids of one large nodule can sit several mm apart, while
// their contours touch or cross. Unlike pylidc, distances are in mm (x, y scaled by the pixel
// spacing, z from imageZposition); pylidc mixes pixel and slice indices with a tolerance in mm.
//
// When a component holds more than 4 marks, or — our addition, since one reader never marks a
// nodule twice — two marks of the same reader, the tolerance is multiplied by `factor` (0.9)
// and the grouping is redone, down to `minToleranceMm` (0.1), as pylidc does for > 4.
// pylidc then raises; we return the last grouping with `resolved: false` for the UI to flag.
//
// Only marks with contours (≥ 3 mm) are clustered, as in pylidc, whose database holds only
// those. Nodules < 3 mm and non-nodules are single points with no extent, so a contour
// distance says little about them, and the LIDC does not rate them: they are returned as
// separate points per reader.

import { markGeometry, type MarkGeometry } from './geometry';
import { median } from '../../../../app/numeric';
import type { LidcCharacteristics, LidcReadingSession, LidcRoi, Vec3 } from './types';

export type ClusterGeometry = {
  /** In-plane pixel spacing, mm. For an XML without its images, an assumed value. */
  pixelSpacing: number;
  /** Slice spacing, mm; inferred from the contours' z positions when absent. */
  sliceSpacing?: number;
};

export type ClusterOptions = {
  /** Starting tolerance, mm; defaults to the slice spacing (pylidc's default). */
  toleranceMm?: number;
  factor?: number;
  minToleranceMm?: number;
};

export type ClusteredMark = {
  /** Index of the reading session in the message. */
  readerIndex: number;
  radiologistId: string;
  noduleId: string;
  characteristics?: LidcCharacteristics;
  geometry: MarkGeometry;
};

export type PhysicalNodule = {
  /** Sorted by reader index. */
  marks: ClusteredMark[];
  readerCount: number;
  /** Mean of the marks' centroids (x, y pixels; z mm). */
  centroid: Vec3;
  /** Median of the readers' malignancy ratings (mean of the middle two when even); null if none rated. */
  medianMalignancy: number | null;
};

export type PointMark = {
  kind: 'small-nodule' | 'non-nodule';
  readerIndex: number;
  radiologistId: string;
  /** noduleID or nonNoduleID. */
  id: string;
  x: number;
  y: number;
  z: number;
  sopInstanceUid: string;
};

export type LidcClustering = {
  /** Sorted by centroid z, ascending (as pylidc). */
  nodules: PhysicalNodule[];
  smallNodules: PointMark[];
  nonNodules: PointMark[];
  sliceSpacing: number;
  /** The tolerance the final grouping used, mm. */
  toleranceMm: number;
  /** false when no tolerance ≥ minToleranceMm gave groups of ≤ 4 marks from distinct readers. */
  resolved: boolean;
};

/** Used only when no spacing is given and none can be read from the contours. */
const FALLBACK_SLICE_SPACING_MM = 2.5;

export function clusterNodules(
  sessions: readonly LidcReadingSession[],
  geometry: ClusterGeometry,
  options: ClusterOptions = {},
): LidcClustering {
  const { pixelSpacing } = geometry;
  const factor = options.factor ?? 0.9;
  const minTol = options.minToleranceMm ?? 0.1;
  if (!(pixelSpacing > 0)) throw new RangeError(`pixelSpacing must be > 0, got ${pixelSpacing}`);
  if (!(factor > 0 && factor < 1)) throw new RangeError(`factor must be in (0, 1), got ${factor}`);

  const marks: ClusteredMark[] = [];
  const contours: LidcRoi[][] = [];
  const smallNodules: PointMark[] = [];
  const nonNodules: PointMark[] = [];
  sessions.forEach((s, readerIndex) => {
    const reader = { readerIndex, radiologistId: s.radiologistId };
    for (const n of s.nodules) {
      if (n.small) {
        const r = n.rois[0];
        const p = r.edgeMap[0];
        smallNodules.push({ kind: 'small-nodule', ...reader, id: n.noduleId, x: p.x, y: p.y, z: r.z, sopInstanceUid: r.sopInstanceUid });
        continue;
      }
      const g = markGeometry(n, pixelSpacing);
      marks.push({ ...reader, noduleId: n.noduleId, ...(n.characteristics ? { characteristics: n.characteristics } : {}), geometry: g });
      const inc = n.rois.filter((r) => r.inclusion);
      contours.push(inc.length > 0 ? inc : n.rois);
    }
    for (const nn of s.nonNodules) {
      nonNodules.push({ kind: 'non-nodule', ...reader, id: nn.nonNoduleId, ...nn.locus, z: nn.z, sopInstanceUid: nn.sopInstanceUid });
    }
  });

  const sliceSpacing = geometry.sliceSpacing ?? inferSliceSpacing(contours);
  let tol = options.toleranceMm ?? sliceSpacing;
  const points = contours.map((rois) => toMm(rois, pixelSpacing));
  const dist = distanceMatrix(points, tol);

  let groups = components(dist, tol);
  let resolved = groups.every((g) => isPlausible(g, marks));
  while (!resolved && tol * factor >= minTol) {
    tol *= factor;
    groups = components(dist, tol);
    resolved = groups.every((g) => isPlausible(g, marks));
  }

  const nodules = groups.map((g) => toNodule(g.map((i) => marks[i]))).sort((a, b) => a.centroid.z - b.centroid.z);
  return { nodules, smallNodules, nonNodules, sliceSpacing, toleranceMm: tol, resolved };
}

/** Median z gap between consecutive contours within each mark (readers contour every slice). */
function inferSliceSpacing(contours: readonly LidcRoi[][]): number {
  const gaps: number[] = [];
  for (const rois of contours) {
    const zs = [...new Set(rois.map((r) => r.z))].sort((a, b) => a - b);
    for (let i = 1; i < zs.length; i++) gaps.push(zs[i] - zs[i - 1]);
  }
  const m = median(gaps);
  return Number.isFinite(m) ? m : FALLBACK_SLICE_SPACING_MM;
}

/** Contour points as a flat [x, y, z, x, y, z, …] array in mm. */
function toMm(rois: readonly LidcRoi[], pixelSpacing: number): Float64Array {
  const n = rois.reduce((s, r) => s + r.edgeMap.length, 0);
  const out = new Float64Array(n * 3);
  let k = 0;
  for (const r of rois) {
    for (const p of r.edgeMap) {
      out[k++] = p.x * pixelSpacing;
      out[k++] = p.y * pixelSpacing;
      out[k++] = r.z;
    }
  }
  return out;
}

/**
 * Minimum point-to-point distances (mm). The tolerance only ever shrinks, so pairs whose
 * bounding boxes are farther apart than the starting tolerance are never computed (Infinity).
 */
function distanceMatrix(points: readonly Float64Array[], maxTol: number): number[][] {
  const boxes = points.map(bounds);
  const n = points.length;
  const d = Array.from({ length: n }, () => new Array<number>(n).fill(Infinity));
  for (let i = 0; i < n; i++) {
    d[i][i] = 0;
    for (let j = i + 1; j < n; j++) {
      if (boxGap(boxes[i], boxes[j]) > maxTol) continue;
      d[i][j] = d[j][i] = minDistance(points[i], points[j]);
    }
  }
  return d;
}

function minDistance(a: Float64Array, b: Float64Array): number {
  let best = Infinity;
  for (let i = 0; i < a.length; i += 3) {
    for (let j = 0; j < b.length; j += 3) {
      const dx = a[i] - b[j];
      const dy = a[i + 1] - b[j + 1];
      const dz = a[i + 2] - b[j + 2];
      const d2 = dx * dx + dy * dy + dz * dz;
      if (d2 < best) best = d2;
    }
    if (best === 0) break;
  }
  return Math.sqrt(best);
}

function bounds(p: Float64Array): number[] {
  const b = [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity];
  for (let i = 0; i < p.length; i += 3) {
    for (let k = 0; k < 3; k++) {
      b[k] = Math.min(b[k], p[i + k]);
      b[k + 3] = Math.max(b[k + 3], p[i + k]);
    }
  }
  return b;
}

function boxGap(a: number[], b: number[]): number {
  let s = 0;
  for (let k = 0; k < 3; k++) {
    const gap = Math.max(0, a[k] - b[k + 3], b[k] - a[k + 3]);
    s += gap * gap;
  }
  return Math.sqrt(s);
}

/** Connected components of the graph with an edge where distance ≤ tol (union–find). */
function components(dist: readonly number[][], tol: number): number[][] {
  const parent = dist.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  for (let i = 0; i < dist.length; i++) {
    for (let j = i + 1; j < dist.length; j++) if (dist[i][j] <= tol) parent[find(j)] = find(i);
  }
  const groups = new Map<number, number[]>();
  dist.forEach((_, i) => {
    const r = find(i);
    groups.set(r, [...(groups.get(r) ?? []), i]);
  });
  return [...groups.values()];
}

function isPlausible(group: readonly number[], marks: readonly ClusteredMark[]): boolean {
  const readers = new Set(group.map((i) => marks[i].readerIndex));
  return group.length <= 4 && readers.size === group.length;
}

function toNodule(marks: ClusteredMark[]): PhysicalNodule {
  marks.sort((a, b) => a.readerIndex - b.readerIndex);
  const mean = (f: (c: Vec3) => number) => marks.reduce((s, m) => s + f(m.geometry.centroid), 0) / marks.length;
  const ratings = marks.flatMap((m) => (m.characteristics ? [m.characteristics.malignancy] : []));
  const medianMalignancy = ratings.length === 0 ? null : median(ratings);
  return {
    marks,
    readerCount: new Set(marks.map((m) => m.readerIndex)).size,
    centroid: { x: mean((c) => c.x), y: mean((c) => c.y), z: mean((c) => c.z) },
    medianMalignancy,
  };
}
