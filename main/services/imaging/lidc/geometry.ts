// Plane geometry of LIDC contours, in pixel coordinates, plus a per-mark summary.
// The edge-map points are treated as the vertices of a closed polygon through pixel centres.
// LIDC readers drew the contour just outside the nodule, so these areas slightly overestimate
// the nodule; they are for locating and ranking slices, not for volumetry.

import type { LidcNoduleMark, LidcRoi, Point, Vec3 } from './types';

/** Shoelace area of a closed polygon (absolute value, pixels²). 0 for fewer than 3 points. */
export function polygonArea(points: readonly Point[]): number {
  return Math.abs(signedArea(points));
}

function signedArea(points: readonly Point[]): number {
  let twice = 0;
  for (let i = 0; i < points.length; i++) {
    const a = points[i];
    const b = points[(i + 1) % points.length];
    twice += a.x * b.y - b.x * a.y;
  }
  return twice / 2;
}

/**
 * Area centroid of a closed polygon. For a degenerate polygon (a point, a line, or zero area)
 * the mean of its points is returned, so single-point marks (< 3 mm nodules) still have a centre.
 */
export function polygonCentroid(points: readonly Point[]): Point {
  const a = signedArea(points);
  if (points.length < 3 || Math.abs(a) < 1e-9) return meanPoint(points);
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    const q = points[(i + 1) % points.length];
    const cross = p.x * q.y - q.x * p.y;
    cx += (p.x + q.x) * cross;
    cy += (p.y + q.y) * cross;
  }
  return { x: cx / (6 * a), y: cy / (6 * a) };
}

/**
 * Maximum Feret (caliper) diameter: the greatest distance between two contour points, in
 * pixels. Brute force is fine: LIDC contours have at most a few hundred points.
 */
export function maxFeretDiameter(points: readonly Point[]): number {
  let best = 0;
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const d = Math.hypot(points[i].x - points[j].x, points[i].y - points[j].y);
      if (d > best) best = d;
    }
  }
  return best;
}

export type MarkGeometry = {
  /** Area-weighted centroid of the inclusion contours: x, y in pixels, z in mm. */
  centroid: Vec3;
  /** The slice whose inclusion contours have the largest total area. */
  largestSlice: { z: number; sopInstanceUid: string; areaPx: number; areaMm2: number };
  /**
   * Max Feret diameter (mm) of the single largest-area inclusion contour — the axial
   * "longest diameter" a radiologist measures. pylidc instead takes the maximum over all
   * contours; the two agree unless a smaller slice happens to be more elongated.
   * 0 for a mark with no polygon (a < 3 mm single-point mark).
   */
  diameterMm: number;
};

/** Geometry of one reader's mark. `pixelSpacing` is the in-plane spacing in mm (square pixels). */
export function markGeometry(mark: LidcNoduleMark, pixelSpacing: number): MarkGeometry {
  const inclusions = mark.rois.filter((r) => r.inclusion);
  // A mark made only of exclusion contours is malformed; fall back to all contours for location.
  const rois = inclusions.length > 0 ? inclusions : mark.rois;
  const areas = rois.map((r) => polygonArea(r.edgeMap));
  const total = inclusions.length > 0 ? areas.reduce((s, a) => s + a, 0) : 0;

  let centroid: Vec3;
  if (total > 0) {
    let x = 0;
    let y = 0;
    let z = 0;
    rois.forEach((r, i) => {
      const c = polygonCentroid(r.edgeMap);
      x += c.x * areas[i];
      y += c.y * areas[i];
      z += r.z * areas[i];
    });
    centroid = { x: x / total, y: y / total, z: z / total };
  } else {
    centroid = meanOfRoiPoints(rois);
  }

  const bySlice = new Map<number, { roi: LidcRoi; area: number }>();
  rois.forEach((r, i) => {
    const area = inclusions.length > 0 ? areas[i] : 0;
    const prev = bySlice.get(r.z);
    bySlice.set(r.z, { roi: prev?.roi ?? r, area: (prev?.area ?? 0) + area });
  });
  let best = { roi: rois[0], area: -1 };
  for (const s of bySlice.values()) if (s.area > best.area) best = s;

  let largest = -1;
  if (inclusions.length > 0) {
    areas.forEach((a, i) => {
      if (a > 0 && (largest < 0 || a > areas[largest])) largest = i;
    });
  }
  const diameterMm = largest >= 0 ? maxFeretDiameter(rois[largest].edgeMap) * pixelSpacing : 0;

  const areaPx = Math.max(best.area, 0);
  return {
    centroid,
    largestSlice: { z: best.roi.z, sopInstanceUid: best.roi.sopInstanceUid, areaPx, areaMm2: areaPx * pixelSpacing * pixelSpacing },
    diameterMm,
  };
}

function meanPoint(points: readonly Point[]): Point {
  if (points.length === 0) return { x: NaN, y: NaN };
  let x = 0;
  let y = 0;
  for (const p of points) {
    x += p.x;
    y += p.y;
  }
  return { x: x / points.length, y: y / points.length };
}

function meanOfRoiPoints(rois: readonly LidcRoi[]): Vec3 {
  let x = 0;
  let y = 0;
  let z = 0;
  let n = 0;
  for (const r of rois) {
    for (const p of r.edgeMap) {
      x += p.x;
      y += p.y;
      z += r.z;
      n++;
    }
  }
  return { x: x / n, y: y / n, z: z / n };
}
