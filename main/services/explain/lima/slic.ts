// SLIC superpixels: Achanta, Shaji, Smith, Lucchi, Fua & Süsstrunk, "SLIC Superpixels Compared
// to State-of-the-Art Superpixel Methods", IEEE TPAMI 34(11):2274–2282 (2012), Algorithm 1:
// k-means on (colour, x, y) with the search limited to a 2S×2S window around each centre,
// D² = d_c² + (d_s/S)²·m², centres started on a grid of step S = √(N/K) and moved to the lowest
// gradient in their 3×3 neighbourhood, 10 iterations, then connectivity enforced (components
// smaller than ¼ of the mean superpixel area join an adjacent region).
// compactness ≤ 0 selects SLICO, the paper's zero-parameter variant (each cluster's colour
// distance divided by the largest it saw in the previous iteration), which is what
// RuoyuChen10/LIMA utils.py SubRegionDivision(mode="slico") runs: OpenCV's
// createSuperpixelSLIC defaults to SLICO (its `ruler` is then unused), region_size 30 on 224².
// Deterministic: no randomness, ties go to the earlier centre.
import { VerdictError } from '../../../../app/errors';
import type { Normalisation } from '../input/normalise';
import { slicSpace } from './slic-space';
import type { ModelImage } from './types';

export type SlicOptions = { normalisation?: Normalisation; iterations?: number };
export type Superpixels = { labels: Int32Array; count: number };

export function slic(image: ModelImage, regions: number, compactness: number, opts: SlicOptions = {}): Superpixels {
  const { height: H, width: W, channels } = image;
  const N = H * W;
  if (!Number.isInteger(H) || !Number.isInteger(W) || N < 1 || image.data.length !== channels * N) {
    throw new VerdictError('explain.bad-params', `slic: ${image.data.length} values for a ${channels}×${H}×${W} image.`);
  }
  if (!Number.isInteger(regions) || regions < 1)
    throw new VerdictError('explain.bad-params', `slic: regions must be a positive integer (got ${regions}).`);
  if (!Number.isFinite(compactness)) throw new VerdictError('explain.bad-params', `slic: compactness must be finite (got ${compactness}).`);
  const K = Math.min(regions, N);
  const { planes, features: F } = slicSpace(image, opts.normalisation);
  const S = Math.sqrt(N / K);
  const rows = Math.min(H, Math.max(1, Math.round(Math.sqrt((K * H) / W))));
  const cols = Math.min(W, Math.max(1, Math.round(K / rows)));
  const k = rows * cols;
  const cy = new Float64Array(k),
    cx = new Float64Array(k),
    cf = new Float64Array(k * F);
  const colourDist = (c: number, p: number) => {
    let d = 0;
    for (let f = 0; f < F; f++) {
      const v = planes[f * N + p] - cf[c * F + f];
      d += v * v;
    }
    return d;
  };
  const gradient = (y: number, x: number) => {
    if (y < 1 || x < 1 || y > H - 2 || x > W - 2) return Infinity;
    let g = 0;
    for (let f = 0; f < F; f++) {
      const o = f * N;
      const gx = planes[o + y * W + x + 1] - planes[o + y * W + x - 1];
      const gy = planes[o + (y + 1) * W + x] - planes[o + (y - 1) * W + x];
      g += gx * gx + gy * gy;
    }
    return g;
  };
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const c = i * cols + j;
      let y = Math.min(H - 1, Math.floor(((i + 0.5) * H) / rows));
      let x = Math.min(W - 1, Math.floor(((j + 0.5) * W) / cols));
      let best = gradient(y, x);
      const y0 = y,
        x0 = x;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const g = gradient(y0 + dy, x0 + dx);
          if (g < best) {
            best = g;
            y = y0 + dy;
            x = x0 + dx;
          }
        }
      }
      cy[c] = y;
      cx[c] = x;
      for (let f = 0; f < F; f++) cf[c * F + f] = planes[f * N + y * W + x];
    }
  }

  const slico = compactness <= 0;
  const spatial = slico ? 1 / (S * S) : (compactness * compactness) / (S * S);
  const maxColour = new Float64Array(k).fill(100); // SLICO starts every cluster at 10²
  const reachY = Math.ceil(Math.max(S, H / rows)),
    reachX = Math.ceil(Math.max(S, W / cols));
  const labels = new Int32Array(N);
  const dist = new Float64Array(N);
  const colour = new Float64Array(N);
  const iterations = opts.iterations ?? 10;
  const sums = new Float64Array(k * (F + 3));
  for (let it = 0; it < iterations; it++) {
    dist.fill(Infinity);
    labels.fill(-1);
    for (let c = 0; c < k; c++) {
      const yLo = Math.max(0, Math.floor(cy[c] - reachY)),
        yHi = Math.min(H - 1, Math.ceil(cy[c] + reachY));
      const xLo = Math.max(0, Math.floor(cx[c] - reachX)),
        xHi = Math.min(W - 1, Math.ceil(cx[c] + reachX));
      const colourWeight = slico ? 1 / maxColour[c] : 1;
      for (let y = yLo; y <= yHi; y++) {
        for (let x = xLo; x <= xHi; x++) {
          const p = y * W + x;
          const dc = colourDist(c, p);
          const d = dc * colourWeight + ((y - cy[c]) ** 2 + (x - cx[c]) ** 2) * spatial;
          if (d < dist[p]) {
            dist[p] = d;
            labels[p] = c;
            colour[p] = dc;
          }
        }
      }
    }
    for (let p = 0; p < N; p++) {
      if (labels[p] >= 0) continue; // outside every window (centres drifted): the nearest centre
      const y = Math.floor(p / W),
        x = p % W;
      for (let c = 0; c < k; c++) {
        const dc = colourDist(c, p);
        const d = dc / (slico ? maxColour[c] : 1) + ((y - cy[c]) ** 2 + (x - cx[c]) ** 2) * spatial;
        if (d < dist[p]) {
          dist[p] = d;
          labels[p] = c;
          colour[p] = dc;
        }
      }
    }
    if (slico) {
      if (it === 0) maxColour.fill(1);
      for (let p = 0; p < N; p++) if (colour[p] > maxColour[labels[p]]) maxColour[labels[p]] = colour[p];
    }
    sums.fill(0);
    for (let p = 0; p < N; p++) {
      const o = labels[p] * (F + 3);
      sums[o] += 1;
      sums[o + 1] += Math.floor(p / W);
      sums[o + 2] += p % W;
      for (let f = 0; f < F; f++) sums[o + 3 + f] += planes[f * N + p];
    }
    for (let c = 0; c < k; c++) {
      const o = c * (F + 3);
      if (sums[o] === 0) continue;
      cy[c] = sums[o + 1] / sums[o];
      cx[c] = sums[o + 2] / sums[o];
      for (let f = 0; f < F; f++) cf[c * F + f] = sums[o + 3 + f] / sums[o];
    }
  }
  return enforceConnectivity(labels, H, W, Math.floor(Math.floor(N / K) / 4));
}

/**
 * Relabels 4-connected components in raster order to 0…count−1; a component of at most
 * `minSize` pixels joins the region of a neighbour of its first pixel (Achanta et al.'s
 * EnforceLabelConnectivity). Every returned label is one 4-connected component.
 */
export function enforceConnectivity(old: Int32Array, H: number, W: number, minSize: number): Superpixels {
  const N = H * W;
  const labels = new Int32Array(N).fill(-1);
  const queue = new Int32Array(N);
  let next = 0;
  for (let start = 0; start < N; start++) {
    if (labels[start] >= 0) continue;
    const y0 = Math.floor(start / W),
      x0 = start % W;
    let adjacent = -1;
    if (x0 > 0 && labels[start - 1] >= 0) adjacent = labels[start - 1];
    else if (y0 > 0 && labels[start - W] >= 0) adjacent = labels[start - W];
    labels[start] = next;
    let head = 0,
      tail = 0;
    queue[tail++] = start;
    while (head < tail) {
      const p = queue[head++];
      const y = Math.floor(p / W),
        x = p % W;
      const visit = (q: number) => {
        if (labels[q] < 0 && old[q] === old[start]) {
          labels[q] = next;
          queue[tail++] = q;
        }
      };
      if (x > 0) visit(p - 1);
      if (x < W - 1) visit(p + 1);
      if (y > 0) visit(p - W);
      if (y < H - 1) visit(p + W);
    }
    if (tail <= minSize && adjacent >= 0) {
      for (let i = 0; i < tail; i++) labels[queue[i]] = adjacent;
    } else {
      next++;
    }
  }
  return { labels, count: next };
}
