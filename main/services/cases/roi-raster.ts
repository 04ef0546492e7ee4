// Regions on an image's pixel grid (one byte per pixel), for scoring evidence marks. Pixel
// (c, r) covers [c, c+1) × [r, r+1) in image coordinates; a box or a heatmap patch holds the
// pixels whose centres it contains. LIDC contour points name pixels (column, row) on the
// outline, which belong to the nodule: a contour holds the pixels inside it and on it.
import type { MapPlacement } from '../../../app/explain';
import type { Roi } from '../../../app/study';

export type Raster = { width: number; height: number; data: Uint8Array };

export const emptyRaster = (width: number, height: number): Raster => ({ width, height, data: new Uint8Array(width * height) });

export const boxRaster = (x0: number, y0: number, x1: number, y1: number, width: number, height: number): Raster =>
  fillBox(emptyRaster(width, height), x0, y0, x1, y1);

function fillBox(into: Raster, x0: number, y0: number, x1: number, y1: number): Raster {
  const { width, height } = into;
  const [left, right] = [Math.min(x0, x1), Math.max(x0, x1)];
  const [top, bottom] = [Math.min(y0, y1), Math.max(y0, y1)];
  for (let r = Math.max(0, Math.ceil(top - 0.5)); r < height && r + 0.5 < bottom; r++) {
    for (let c = Math.max(0, Math.ceil(left - 0.5)); c < width && c + 0.5 < right; c++) into.data[r * width + c] = 1;
  }
  return into;
}

/** Even–odd fill of a polygon (flat [x0, y0, x1, y1, …]) tested at the points (c + offset, r + offset). */
export function polygonRaster(
  points: number[],
  width: number,
  height: number,
  offset: number,
  into: Raster = emptyRaster(width, height),
  value = 1,
): Raster {
  const n = Math.floor(points.length / 2);
  if (n < 3) return into;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minY = Math.min(minY, points[2 * i + 1]);
    maxY = Math.max(maxY, points[2 * i + 1]);
  }
  for (let r = Math.max(0, Math.floor(minY - offset)); r < height && r + offset <= maxY; r++) {
    const y = r + offset;
    const xs: number[] = [];
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const [xi, yi, xj, yj] = [points[2 * i], points[2 * i + 1], points[2 * j], points[2 * j + 1]];
      if (yi > y !== yj > y) xs.push(xi + ((y - yi) * (xj - xi)) / (yj - yi));
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      for (let c = Math.max(0, Math.ceil(xs[k] - offset)); c < width && c + offset <= xs[k + 1]; c++) into.data[r * width + c] = value;
    }
  }
  return into;
}

/** The pixels a contour's outline passes through (its points and the straight runs between them). */
export function outlineRaster(points: number[], into: Raster, value = 1): Raster {
  const n = Math.floor(points.length / 2);
  for (let i = 0; i < n; i++) {
    const [x0, y0] = [points[2 * i], points[2 * i + 1]];
    const [x1, y1] = [points[2 * ((i + 1) % n)], points[2 * ((i + 1) % n) + 1]];
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    for (let s = 0; s <= steps; s++) {
      const c = Math.round(x0 + ((x1 - x0) * s) / steps);
      const r = Math.round(y0 + ((y1 - y0) * s) / steps);
      if (c >= 0 && r >= 0 && c < into.width && r < into.height) into.data[r * into.width + c] = value;
    }
  }
  return into;
}

/** An evidence mark's area (null for a click) on the image grid. */
export function roiRaster(roi: Roi, width: number, height: number): Raster | null {
  if (roi.shape === 'click') return null;
  if (roi.shape === 'box') return boxRaster(roi.x0, roi.y0, roi.x1, roi.y1, width, height);
  return polygonRaster(roi.points, width, height, 0.5);
}

/** The mark's point: the click, the box's centre, or the outline's area centroid (its vertices' mean if it holds no pixel). */
export function roiPoint(roi: Roi, area: Raster | null): { x: number; y: number } {
  if (roi.shape === 'click') return { x: roi.x, y: roi.y };
  if (roi.shape === 'box') return { x: (roi.x0 + roi.x1) / 2, y: (roi.y0 + roi.y1) / 2 };
  let sx = 0;
  let sy = 0;
  let n = 0;
  if (area) {
    for (let i = 0; i < area.data.length; i++) {
      if (area.data[i]) {
        sx += (i % area.width) + 0.5;
        sy += Math.floor(i / area.width) + 0.5;
        n++;
      }
    }
  }
  if (n) return { x: sx / n, y: sy / n };
  const k = roi.points.length / 2;
  for (let i = 0; i < k; i++) {
    sx += roi.points[2 * i];
    sy += roi.points[2 * i + 1];
  }
  return { x: sx / k, y: sy / k };
}

/**
 * The explanation's top region: patches whose value is ≥ half the largest positive value,
 * each covering its share of the placement rectangle. Null when no value is positive.
 */
export function topRegion(
  values: Float32Array,
  grid: { rows: number; cols: number },
  placement: MapPlacement,
  width: number,
  height: number,
): Raster | null {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  if (!(max > 0)) return null;
  const out = emptyRaster(width, height);
  const pw = placement.width / grid.cols;
  const ph = placement.height / grid.rows;
  for (let i = 0; i < grid.rows; i++) {
    for (let j = 0; j < grid.cols; j++) {
      if (values[i * grid.cols + j] >= 0.5 * max)
        fillBox(out, placement.x + j * pw, placement.y + i * ph, placement.x + (j + 1) * pw, placement.y + (i + 1) * ph);
    }
  }
  return out;
}

export function contains(region: Raster, p: { x: number; y: number }): boolean {
  const c = Math.floor(p.x);
  const r = Math.floor(p.y);
  return c >= 0 && r >= 0 && c < region.width && r < region.height && region.data[r * region.width + c] === 1;
}

export function iou(a: Raster, b: Raster): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.data.length; i++) {
    if (a.data[i] && b.data[i]) inter++;
    if (a.data[i] || b.data[i]) union++;
  }
  return union === 0 ? 0 : inter / union;
}
