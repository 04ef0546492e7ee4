// Evidence marks (Roi) in image pixel coordinates — pixel i spans [i, i+1], as for contours and
// maps — and how they are drawn through a viewer's projector. Coordinates are kept to 0.01 px.
import type { Roi } from '../../../app/study';
import { contourPath, type Point, type Projector } from '../ct/projection';

export type RoiShape = Roi['shape'];
export type Size = { width: number; height: number };

const r2 = (v: number) => Math.round(v * 100) / 100;

/** A point kept inside the image. */
export const clampPoint = ([x, y]: Point, size: Size): [number, number] => [
  r2(Math.min(size.width, Math.max(0, x))),
  r2(Math.min(size.height, Math.max(0, y))),
];

/** The box between two corners, whichever way it was dragged. */
export function boxRoi(a: Point, b: Point, sliceIndex?: number): Roi {
  return {
    shape: 'box',
    x0: r2(Math.min(a[0], b[0])),
    y0: r2(Math.min(a[1], b[1])),
    x1: r2(Math.max(a[0], b[0])),
    y1: r2(Math.max(a[1], b[1])),
    ...(sliceIndex === undefined ? {} : { sliceIndex }),
  };
}

export const clickRoi = (p: Point, sliceIndex?: number): Roi => ({
  shape: 'click',
  x: r2(p[0]),
  y: r2(p[1]),
  ...(sliceIndex === undefined ? {} : { sliceIndex }),
});

/** A freehand outline from its vertices; null until it has three (an area). */
export function freehandRoi(points: readonly Point[], sliceIndex?: number): Roi | null {
  if (points.length < 3) return null;
  return { shape: 'freehand', points: points.flatMap(([x, y]) => [r2(x), r2(y)]), ...(sliceIndex === undefined ? {} : { sliceIndex }) };
}

/** Drops vertices closer than `minDist` to the last kept one: a mouse reports far more than an outline needs. */
export function thinPoints(points: readonly Point[], minDist: number): Point[] {
  const out: Point[] = [];
  for (const p of points) {
    const last = out.at(-1);
    if (!last || Math.hypot(p[0] - last[0], p[1] - last[1]) >= minDist) out.push(p);
  }
  return out;
}

/** A box too small to mean anything (a click with the box tool). */
export const degenerateBox = (roi: Roi): boolean => roi.shape === 'box' && (roi.x1 - roi.x0 < 1 || roi.y1 - roi.y0 < 1);

export type RoiDrawing = { kind: 'marker'; x: number; y: number } | { kind: 'path'; d: string };

/** What to draw for a mark on screen. */
export function roiDrawing(roi: Roi, project: Projector): RoiDrawing {
  switch (roi.shape) {
    case 'click': {
      const [x, y] = project(roi.x, roi.y);
      return { kind: 'marker', x, y };
    }
    case 'box':
      return { kind: 'path', d: contourPath([roi.x0, roi.y0, roi.x1, roi.y0, roi.x1, roi.y1, roi.x0, roi.y1], project) };
    case 'freehand':
      return { kind: 'path', d: contourPath(roi.points, project) };
  }
}

/** Whether a mark belongs on the slice on screen (marks without a slice belong on every image). */
export const roiOnSlice = (roi: Roi, sliceIndex: number | null): boolean =>
  roi.sliceIndex === undefined || sliceIndex === null || roi.sliceIndex === sliceIndex;

/** "box 12×20 px on slice 87" — what the answer panel says about a mark. */
export function describeRoi(roi: Roi): string {
  const slice = roi.sliceIndex === undefined ? '' : ` on slice ${roi.sliceIndex + 1}`;
  switch (roi.shape) {
    case 'click':
      return `point (${Math.floor(roi.x)}, ${Math.floor(roi.y)})${slice}`;
    case 'box':
      return `box ${Math.round(roi.x1 - roi.x0)}×${Math.round(roi.y1 - roi.y0)} px${slice}`;
    case 'freehand':
      return `outline of ${roi.points.length / 2} points${slice}`;
  }
}
