// Maps image coordinates (pixel i spans [i, i+1]) to screen points for overlays drawn over the
// viewport (reader contours, point marks, explanation maps). A planar view is an affine map, so
// three projected points define it exactly; projecting every contour vertex through Cornerstone
// would cost far more per render.

export type Point = readonly [number, number];
export type Projector = (x: number, y: number) => [number, number];

/** `o`, `ex`, `ey`: where pixels (0,0), (1,0) and (0,1) land on screen. */
export function affineProjector(o: Point, ex: Point, ey: Point): Projector {
  const ax = ex[0] - o[0];
  const ay = ex[1] - o[1];
  const bx = ey[0] - o[0];
  const by = ey[1] - o[1];
  return (x, y) => [o[0] + x * ax + y * bx, o[1] + x * ay + y * by];
}

/** An SVG path ("M x y L … Z") for a closed contour given as flat [x0, y0, x1, y1, …] pixels. */
export function contourPath(points: readonly number[], project: Projector, close = true): string {
  if (points.length < 2) return '';
  let d = '';
  for (let i = 0; i + 1 < points.length; i += 2) {
    const [sx, sy] = project(points[i], points[i + 1]);
    d += `${i === 0 ? 'M' : 'L'}${sx.toFixed(1)} ${sy.toFixed(1)}`;
  }
  return close && points.length > 2 ? `${d}Z` : d;
}

/** The inverse of an affine projector: screen point → image coordinates (for drawing on the image). */
export function invertProjector(project: Projector): Projector {
  const o = project(0, 0);
  const ex = project(1, 0);
  const ey = project(0, 1);
  const a = ex[0] - o[0];
  const b = ey[0] - o[0];
  const c = ex[1] - o[1];
  const d = ey[1] - o[1];
  const det = a * d - b * c;
  if (!det) return () => [NaN, NaN];
  return (sx, sy) => {
    const dx = sx - o[0];
    const dy = sy - o[1];
    return [(d * dx - b * dy) / det, (-c * dx + a * dy) / det];
  };
}
