// RISE: the saliency of a pixel is the expected class probability over random masks that keep
// it, S(λ) = Σᵢ f(x ⊙ mᵢ) mᵢ(λ) / (N·p). Petsiuk, Das & Saenko, "RISE: Randomized Input Sampling
// for Explanation of Black-box Models", BMVC 2018 (arXiv:1806.07421); masks as eclique/RISE
// explanations.py generate_masks and forward: N binary s×s grids, each cell kept with
// probability p; cell = ⌈H/s⌉ (and ⌈W/s⌉); each grid upsampled bilinearly to (s+1)·cell
// (skimage resize order 1, mode 'reflect' — ndimage's 'mirror' — without anti-aliasing: source
// coordinate (o + ½)·s/((s+1)·cell) − ½) and cropped at a random shift in [0, cell) per axis; the
// masked image is x ⊙ m on the normalised input (0 is the mean colour), as their forward
// multiplies the normalised tensor; the score is the target's softmax probability (their
// models are wrapped in nn.Softmax).
// Randomness: one mulberry32 stream (app/mulberry32.ts, as models/exporter/prng.py), per mask
// s² cell draws in row-major order (kept when u < p), then the row shift ⌊u·cellH⌋ and the column
// shift ⌊u·cellW⌋; seeded from the case, nodule, target and seed parameter (riseSeed), as Smooth
// CDAM's noise. The masks are made batch by batch, never all N at once (N·H·W floats would be
// 800 MB at 4000 × 224²). Class outputs only: a regression output is refused (explain.bad-target).
// Defaults N = 4000, s = 7, p = 0.5: the paper's ResNet-50 setting (also xplique's Rise
// defaults); the repository's Saliency notebook uses N = 6000, s = 8, p = 0.1.
import { createHash } from 'node:crypto';
import { VerdictError } from '../../../../app/errors';
import { descriptor } from '../../../../app/methods';
import { mulberry32 } from '../../../../app/mulberry32';
import { targetsOf } from '../../models/manifest';
import { checkCancelled } from '../job-queue';
import { targetScorer } from '../metrics/model-scorers';
import type { MethodDefinition, MethodRun } from './types';

/** The generator's seed for one map: the first 32 bits of SHA-256 over the case, nodule, target and seed; the seed alone without a subject. */
export function riseSeed(seed: number, subject: MethodRun['subject'], target: string): number {
  if (!subject) return seed >>> 0;
  const key = JSON.stringify(['rise', subject.caseId, subject.noduleId, target, seed]);
  return createHash('sha256').update(key).digest().readUInt32BE(0);
}

/** ndimage 'mirror' (skimage 'reflect'): …, 2, 1, 0, 1, 2, …, s−2, s−1, s−2, … */
function mirror(i: number, s: number): number {
  if (s === 1) return 0;
  const period = 2 * (s - 1);
  const j = ((i % period) + period) % period;
  return j < s ? j : period - j;
}

/** One axis of the bilinear upsampling from s cells to `up` pixels, for output pixels shift … shift+size−1. */
function axis(s: number, up: number, shift: number, size: number) {
  const i0 = new Int32Array(size);
  const i1 = new Int32Array(size);
  const t = new Float64Array(size);
  for (let o = 0; o < size; o++) {
    const c = ((o + shift + 0.5) * s) / up - 0.5;
    const f = Math.floor(c);
    i0[o] = mirror(f, s);
    i1[o] = mirror(f + 1, s);
    t[o] = c - f;
  }
  return { i0, i1, t };
}

export type RiseMaskSpec = { seed: number; cells: number; keep: number; height: number; width: number };

/** The mask stream: each call writes the next H×W mask into `out`. */
export function riseMasks(spec: RiseMaskSpec): (out: Float32Array) => void {
  const { cells: s, keep, height: H, width: W } = spec;
  const uniform = mulberry32(spec.seed);
  const cellH = Math.ceil(H / s);
  const cellW = Math.ceil(W / s);
  const grid = new Float64Array(s * s);
  const rowsUp = new Float64Array(s * W); // each grid row upsampled along the columns
  return (out) => {
    for (let k = 0; k < s * s; k++) grid[k] = uniform() < keep ? 1 : 0;
    const dx = Math.floor(uniform() * cellH);
    const dy = Math.floor(uniform() * cellW);
    const r = axis(s, (s + 1) * cellH, dx, H);
    const c = axis(s, (s + 1) * cellW, dy, W);
    for (let g = 0; g < s; g++)
      for (let x = 0; x < W; x++) rowsUp[g * W + x] = grid[g * s + c.i0[x]] * (1 - c.t[x]) + grid[g * s + c.i1[x]] * c.t[x];
    for (let y = 0; y < H; y++) {
      const a = r.i0[y] * W;
      const b = r.i1[y] * W;
      const t = r.t[y];
      for (let x = 0; x < W; x++) out[y * W + x] = rowsUp[a + x] * (1 - t) + rowsUp[b + x] * t;
    }
  };
}

export const rise: MethodDefinition = {
  ...descriptor('rise'),
  resolution: 'input',
  compute: async ({ model, manifest, image, target, params, subject, signal, progress }) => {
    if (target.kind !== 'output') throw new Error('RISE explains an output');
    const t = targetsOf(manifest)[target.index];
    if (t.kind !== 'class-logits')
      throw new VerdictError(
        'explain.bad-target',
        `RISE cannot explain "${t.name}": it is a regression output (head "${t.head}"), and RISE weighs its masks by a class probability. Explain a class output with RISE, or "${t.name}" with occlusion.`,
        { method: 'rise', target: t.name, head: t.head, kind: 'regression' },
      );
    const { channels: C, height: H, width: W } = model.dims;
    const n = params.masks!;
    const keep = params.keep!;
    const next = riseMasks({ seed: riseSeed(params.seed!, subject, target.name), cells: params.cells!, keep, height: H, width: W });
    const scorer = targetScorer(model, manifest, target.index, 'probability');
    const plane = H * W;
    const sal = new Float64Array(plane);
    const masks = new Float32Array(scorer.batch * plane);
    const images = new Float32Array(scorer.batch * C * plane);
    for (let done = 0; done < n;) {
      checkCancelled(signal, 'RISE');
      const b = Math.min(scorer.batch, n - done);
      for (let i = 0; i < b; i++) {
        const m = masks.subarray(i * plane, (i + 1) * plane);
        next(m);
        for (let ch = 0; ch < C; ch++) {
          const at = (i * C + ch) * plane;
          for (let p = 0; p < plane; p++) images[at + p] = image[ch * plane + p] * m[p];
        }
      }
      const scores = await scorer.score(images.subarray(0, b * C * plane), b);
      for (let i = 0; i < b; i++) {
        const w = scores[i];
        for (let p = 0; p < plane; p++) sal[p] += w * masks[i * plane + p];
      }
      done += b;
      progress(done, n);
    }
    return Float32Array.from(sal, (v) => v / n / keep);
  },
};
