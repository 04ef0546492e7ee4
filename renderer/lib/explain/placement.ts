// Puts a map on screen: its placement rectangle (in the image's pixel coordinates, where pixel i
// spans [i, i+1]) goes through the viewer's projector, the same affine map the contours use. A
// canvas of any resolution is stretched over the rectangle by one CSS matrix, so the browser
// keeps it aligned at any zoom, pan or rotation without repainting its pixels.
import type { Projector } from '../ct/projection';

export type Rect = { x: number; y: number; width: number; height: number };
export type CssMatrix = [number, number, number, number, number, number];

/** The CSS `matrix(a, b, c, d, e, f)` mapping canvas pixel (u, v) of a canvasW × canvasH canvas onto `rect` on screen. */
export function placementMatrix(project: Projector, rect: Rect, canvasW: number, canvasH: number): CssMatrix {
  const [ox, oy] = project(0, 0);
  const [ex, ey] = project(1, 0);
  const [fx, fy] = project(0, 1);
  const [e, f] = project(rect.x, rect.y);
  const sx = rect.width / canvasW;
  const sy = rect.height / canvasH;
  return [(ex - ox) * sx, (ey - oy) * sx, (fx - ox) * sy, (fy - oy) * sy, e, f];
}

export const cssMatrix = (m: CssMatrix): string => `matrix(${m.map((v) => +v.toFixed(6)).join(', ')})`;

/** The rectangle's corners on screen, clockwise from its top-left (an outline of the model's field of view). */
export function placementCorners(project: Projector, rect: Rect): [number, number][] {
  const { x, y, width: w, height: h } = rect;
  return [project(x, y), project(x + w, y), project(x + w, y + h), project(x, y + h)];
}
