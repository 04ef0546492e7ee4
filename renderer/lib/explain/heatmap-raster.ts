// Turns a map's patch grid (one value per ViT patch) into RGBA pixels for a canvas. Values are
// interpolated first and coloured afterwards: blending colours instead would pass through
// colours the colormap does not have (e.g. grey between two oranges of a diverging map).
import { LUT_SIZE, scalePosition, type TransferFunction } from './overlay-style';

export type Grid = { rows: number; cols: number };

/** Output pixels per patch: enough for a smooth ramp, few enough to repaint instantly. */
export const PIXELS_PER_PATCH = 16;
/** The longest canvas side a map is drawn at: a map at input resolution (LiMA, 64×64) needs fewer pixels per cell. */
export const MAX_RASTER_SIDE = 512;

/** Canvas pixels per map cell: PIXELS_PER_PATCH for a patch grid, fewer for a finer map, at least 1. */
export function rasterFactor(grid: Grid): number {
  return Math.max(1, Math.min(PIXELS_PER_PATCH, Math.floor(MAX_RASTER_SIDE / Math.max(grid.rows, grid.cols, 1))));
}

/**
 * Bilinear upsampling by `factor` with each patch's value at its patch's centre (edges clamp to
 * the outermost centres, so the map does not fade out at its border).
 */
export function upsample(values: Float32Array, grid: Grid, factor: number): Float32Array {
  const { rows, cols } = grid;
  const w = cols * factor;
  const h = rows * factor;
  const out = new Float32Array(w * h);
  for (let v = 0; v < h; v++) {
    const gy = Math.min(rows - 1, Math.max(0, (v + 0.5) / factor - 0.5));
    const y0 = Math.floor(gy);
    const y1 = Math.min(rows - 1, y0 + 1);
    const fy = gy - y0;
    for (let u = 0; u < w; u++) {
      const gx = Math.min(cols - 1, Math.max(0, (u + 0.5) / factor - 0.5));
      const x0 = Math.floor(gx);
      const x1 = Math.min(cols - 1, x0 + 1);
      const fx = gx - x0;
      const top = values[y0 * cols + x0] * (1 - fx) + values[y0 * cols + x1] * fx;
      const bottom = values[y1 * cols + x0] * (1 - fx) + values[y1 * cols + x1] * fx;
      out[v * w + u] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

/** Nearest-patch upsampling: the model's patch grid as blocks. */
export function blocks(values: Float32Array, grid: Grid, factor: number): Float32Array {
  const w = grid.cols * factor;
  const out = new Float32Array(w * grid.rows * factor);
  for (let i = 0; i < out.length; i++) {
    const u = i % w;
    const v = (i - u) / w;
    out[i] = values[Math.floor(v / factor) * grid.cols + Math.floor(u / factor)];
  }
  return out;
}

export type Raster = { width: number; height: number; rgba: Uint8ClampedArray<ArrayBuffer> };

/** RGBA pixels of a map through a transfer function. */
export function rasterise(values: Float32Array, grid: Grid, tf: TransferFunction, smooth: boolean, factor = rasterFactor(grid)): Raster {
  if (values.length !== grid.rows * grid.cols) {
    throw new Error(`A ${grid.rows}×${grid.cols} map needs ${grid.rows * grid.cols} values, not ${values.length}.`);
  }
  const up = smooth ? upsample(values, grid, factor) : blocks(values, grid, factor);
  const rgba = new Uint8ClampedArray(up.length * 4);
  for (let i = 0; i < up.length; i++) {
    const v = up[i];
    if (!Number.isFinite(v)) continue;
    const o = Math.round(scalePosition(tf.scale, v) * (LUT_SIZE - 1)) * 4;
    rgba[i * 4] = tf.lut[o];
    rgba[i * 4 + 1] = tf.lut[o + 1];
    rgba[i * 4 + 2] = tf.lut[o + 2];
    rgba[i * 4 + 3] = tf.lut[o + 3];
  }
  return { width: grid.cols * factor, height: grid.rows * factor, rgba };
}
