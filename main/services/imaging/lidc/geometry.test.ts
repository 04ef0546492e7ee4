import { describe, expect, test } from 'vitest';
import { markGeometry, maxFeretDiameter, polygonArea, polygonCentroid } from './geometry';
import type { LidcNoduleMark, LidcRoi, Point } from './types';

const pts = (...xy: [number, number][]): Point[] => xy.map(([x, y]) => ({ x, y }));
const roi = (z: number, edgeMap: Point[], inclusion = true): LidcRoi => ({ z, sopInstanceUid: `sop-${z}`, inclusion, edgeMap });

// Known answers worked by hand.
const square4 = pts([0, 0], [4, 0], [4, 4], [0, 4]); // area 16, centre (2, 2), diagonal 4√2
const triangle = pts([0, 0], [6, 0], [0, 3]); // area ½·6·3 = 9, centroid = vertex mean (2, 1), longest side √45
// An L of a 2×1 bar (centre (1, ½)) under a 1×1 square (centre (½, 1½)): area 3, centroid
// ((2·1 + ½)/3, (2·½ + 1½)/3) = (5/6, 5/6); the vertex mean (1, 1) is not the centroid.
const ell = pts([0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2]);

describe('polygon geometry', () => {
  test('square', () => {
    expect(polygonArea(square4)).toBe(16);
    expect(polygonCentroid(square4)).toEqual({ x: 2, y: 2 });
    expect(maxFeretDiameter(square4)).toBeCloseTo(4 * Math.SQRT2, 12);
  });

  test('orientation does not change area or centroid', () => {
    const cw = [...square4].reverse();
    expect(polygonArea(cw)).toBe(16);
    expect(polygonCentroid(cw)).toEqual({ x: 2, y: 2 });
  });

  test('triangle', () => {
    expect(polygonArea(triangle)).toBe(9);
    const c = polygonCentroid(triangle);
    expect(c.x).toBeCloseTo(2, 12);
    expect(c.y).toBeCloseTo(1, 12);
    expect(maxFeretDiameter(triangle)).toBeCloseTo(Math.sqrt(45), 12);
  });

  test('L shape: area centroid, not vertex mean', () => {
    expect(polygonArea(ell)).toBe(3);
    const c = polygonCentroid(ell);
    expect(c.x).toBeCloseTo(5 / 6, 12);
    expect(c.y).toBeCloseTo(5 / 6, 12);
  });

  test('degenerate contours: a point and a segment', () => {
    expect(polygonArea(pts([5, 7]))).toBe(0);
    expect(polygonCentroid(pts([5, 7]))).toEqual({ x: 5, y: 7 });
    expect(maxFeretDiameter(pts([5, 7]))).toBe(0);
    expect(polygonArea(pts([0, 0], [4, 0]))).toBe(0);
    expect(polygonCentroid(pts([0, 0], [4, 0]))).toEqual({ x: 2, y: 0 });
  });
});

describe('markGeometry', () => {
  // Slice z=0: the 4×4 square (area 16, centre (2, 2)). Slice z=2.5: a 2×2 square at x 10–12
  // (area 4, centre (11, 1)) and a large exclusion contour that must not count.
  const mark: LidcNoduleMark = {
    noduleId: 'synthetic',
    small: false,
    rois: [roi(0, square4), roi(2.5, pts([10, 0], [12, 0], [12, 2], [10, 2])), roi(2.5, pts([0, 0], [10, 0], [10, 10], [0, 10]), false)],
  };

  test('area-weighted centroid, largest slice and Feret diameter in mm', () => {
    const g = markGeometry(mark, 0.5);
    // x = (16·2 + 4·11)/20 = 3.8, y = (16·2 + 4·1)/20 = 1.8, z = (16·0 + 4·2.5)/20 = 0.5
    expect(g.centroid.x).toBeCloseTo(3.8, 12);
    expect(g.centroid.y).toBeCloseTo(1.8, 12);
    expect(g.centroid.z).toBeCloseTo(0.5, 12);
    expect(g.largestSlice).toEqual({ z: 0, sopInstanceUid: 'sop-0', areaPx: 16, areaMm2: 4 });
    expect(g.diameterMm).toBeCloseTo(4 * Math.SQRT2 * 0.5, 12);
  });

  test('two inclusion contours on one slice add up', () => {
    const g = markGeometry({ ...mark, rois: [roi(0, square4), roi(2.5, square4), roi(2.5, triangle)] }, 1);
    expect(g.largestSlice).toMatchObject({ z: 2.5, areaPx: 25 });
  });

  test('a < 3 mm single-point mark has its point as centre and no diameter', () => {
    const g = markGeometry({ noduleId: 's', small: true, rois: [roi(-150, pts([187, 166]))] }, 0.7);
    expect(g.centroid).toEqual({ x: 187, y: 166, z: -150 });
    expect(g.diameterMm).toBe(0);
    expect(g.largestSlice.areaPx).toBe(0);
  });
});
