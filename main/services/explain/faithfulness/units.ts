// Units of a perturbation curve: which pixels form each unit, how important each unit is by the
// saliency map, and the order in which a curve changes them.
import { VerdictError } from '../../../../app/errors';
import { mulberry32 } from '../../../../app/mulberry32';
import type { Order, Unit } from './types';

export type UnitLayout = {
  /** Number of units N. */
  count: number;
  /** Unit index of every pixel (H×W, row-major). */
  unitOf: Int32Array;
  /** Pixel indices of unit u: pixels[start[u]] … pixels[start[u + 1] − 1], ascending. */
  start: Int32Array;
  pixels: Int32Array;
};

export function unitLayout(unit: Unit, height: number, width: number): UnitLayout {
  const n = height * width;
  let count: number;
  let unitOf: Int32Array;
  switch (unit.kind) {
    case 'pixel':
      count = n;
      unitOf = Int32Array.from({ length: n }, (_, i) => i);
      break;
    case 'patch': {
      const s = unit.size;
      if (!Number.isInteger(s) || s < 1)
        throw new VerdictError('explain.bad-params', `unit.size must be a whole number of pixels ≥ 1 (got ${s}).`, { param: 'unit.size' });
      const cols = Math.ceil(width / s);
      count = Math.ceil(height / s) * cols;
      unitOf = new Int32Array(n);
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) unitOf[y * width + x] = Math.floor(y / s) * cols + Math.floor(x / s);
      break;
    }
    case 'region': {
      const labels = unit.labels;
      if (labels.length !== n)
        throw new VerdictError('explain.bad-params', `unit.labels holds ${labels.length} ids, not one per pixel of ${height}×${width}.`, {
          param: 'unit.labels',
        });
      let max = -1;
      for (let i = 0; i < n; i++) {
        if (labels[i] < 0)
          throw new VerdictError('explain.bad-params', `unit.labels has region id ${labels[i]}; ids run from 0.`, { param: 'unit.labels' });
        if (labels[i] > max) max = labels[i];
      }
      count = max + 1;
      unitOf = Int32Array.from(labels);
      break;
    }
    default:
      throw new VerdictError('explain.bad-params', `Unknown unit "${(unit as { kind: string }).kind}".`, { param: 'unit.kind' });
  }
  const start = new Int32Array(count + 1);
  for (let i = 0; i < n; i++) start[unitOf[i] + 1]++;
  for (let u = 0; u < count; u++) {
    if (start[u + 1] === 0)
      throw new VerdictError('explain.bad-params', `Region ${u} has no pixels: region ids must be 0…R−1 with every id used.`, {
        param: 'unit.labels',
      });
    start[u + 1] += start[u];
  }
  const fill = start.slice(0, count);
  const pixels = new Int32Array(n);
  for (let i = 0; i < n; i++) pixels[fill[unitOf[i]]++] = i;
  return { count, unitOf, start, pixels };
}

/**
 * Each unit's importance: the sum of the saliency over its pixels (a pixel's is its value);
 * the mean instead for a region unit with aggregate 'mean'. Accumulated in float64.
 */
export function unitImportance(layout: UnitLayout, saliency: Float32Array, unit: Unit): Float64Array {
  const out = new Float64Array(layout.count);
  for (let i = 0; i < saliency.length; i++) {
    const v = saliency[i];
    if (!Number.isFinite(v))
      throw new VerdictError('explain.bad-params', `saliency[${i}] is ${v}; a map must be finite.`, { param: 'saliency' });
    out[layout.unitOf[i]] += v;
  }
  if (unit.kind === 'region' && unit.aggregate === 'mean') {
    for (let u = 0; u < layout.count; u++) out[u] /= layout.start[u + 1] - layout.start[u];
  }
  return out;
}

/**
 * The order in which units are changed. most-first: importance descending; least-first:
 * ascending; equal importances go by unit index ascending in both (a stable sort, so the
 * result never depends on the engine). random: a Fisher–Yates shuffle of 0…N−1 drawn from
 * mulberry32(seed), j = floor(u·(i + 1)) for i = N−1 … 1.
 */
export function unitOrder(importance: Float64Array, order: Order, seed = 0): Int32Array {
  const n = importance.length;
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  if (order === 'random') {
    if (!Number.isInteger(seed))
      throw new VerdictError('explain.bad-params', `seed must be a whole number (got ${seed}).`, { param: 'spec.seed' });
    const u = mulberry32(seed);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(u() * (i + 1));
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    return idx;
  }
  if (order !== 'most-first' && order !== 'least-first')
    throw new VerdictError('explain.bad-params', `Unknown order "${order as string}".`, { param: 'spec.order' });
  const sign = order === 'most-first' ? -1 : 1;
  return idx.sort((a, b) => sign * (importance[a] - importance[b]) || a - b);
}
