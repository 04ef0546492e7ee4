// Box sensitivity: square boxes of a few sizes are placed at random and replaced by the
// substrate; for each size, the Pearson correlation between the map's summed importance inside
// the box and the drop in the target's output f(x) − f(x_box) (higher is better), and the mean
// over sizes.
//
// Sensitivity-n with boxes: Ancona et al., "Towards better understanding of gradient-based
// attribution methods for deep neural networks", ICLR 2018 (arXiv:1711.06104), as the CDAM
// authors implement it in obzai/obzai src/obz/xai/eval_tool.py (box_sensitivity, perturb_box):
// 100 boxes per size, the box filled with the Gaussian blur of σ = 14, raw logits, the change
// taken as original − perturbed, and the summed map inside the box.
// The box sides the CDAM paper used could not be confirmed; the default sides are 1/8, 1/4 and
// 1/2 of the image's shorter side (28, 56 and 112 px at 224), rounded, at least 1 px.
// Positions: the top-left corner is uniform over every position that keeps the box inside the
// image, x = floor(u·(W − s + 1)) then y = floor(u·(H − s + 1)) from mulberry32(seed), sizes in
// the given order and 100 boxes each (obzai draws np.random.randint(0, size − s), which never
// reaches the last position). A size whose correlation is undefined (a constant sample) gives
// NaN, and so does the mean.
import { VerdictError } from '../../../../app/errors';
import { mulberry32 } from '../../../../app/mulberry32';
import { checkSaliency } from './perturbation-curve';
import { DEFAULT_BATCH_SIZE, scoreInBatches } from './score-in-batches';
import { pearson } from './stats';
import { checkImage, substrateImage } from './substrate';
import type { BatchScorer, ModelImage, Substrate } from './types';

export const BOX_SENSITIVITY = { sides: [1 / 8, 1 / 4, 1 / 2], samples: 100, sigma: 14, score: 'logit' } as const;

export type BoxSensitivityOptions = {
  /** Box sides as fractions of the shorter image side. */
  sides?: readonly number[];
  samples?: number;
  substrate?: Substrate;
  seed?: number;
  batchSize?: number;
  signal?: AbortSignal;
};
export type BoxSize = { side: number; correlation: number; relevance: number[]; outputChange: number[] };
export type BoxSensitivity = { sizes: BoxSize[]; mean: number; forwardPasses: number };

/** Box sides in pixels for the given fractions of the shorter side of height×width. */
export function boxSides(fractions: readonly number[], height: number, width: number): number[] {
  if (fractions.length === 0) throw new VerdictError('explain.bad-params', 'sides must name at least one box size.', { param: 'sides' });
  const short = Math.min(height, width);
  return fractions.map((f) => {
    if (!(f > 0 && f <= 1)) throw new VerdictError('explain.bad-params', `A box side is a fraction of the image side in (0, 1] (got ${f}).`, { param: 'sides' });
    return Math.max(1, Math.round(f * short));
  });
}

export async function boxSensitivity(image: ModelImage, saliency: Float32Array, score: BatchScorer, options: BoxSensitivityOptions = {}): Promise<BoxSensitivity> {
  checkImage(image);
  const { data, channels, height, width } = image;
  checkSaliency(saliency, height, width);
  const samples = options.samples ?? BOX_SENSITIVITY.samples;
  if (!Number.isInteger(samples) || samples < 2) throw new VerdictError('explain.bad-params', `samples must be a whole number ≥ 2 (got ${samples}).`, { param: 'samples' });
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new VerdictError('explain.bad-params', `seed must be a whole number (got ${seed}).`, { param: 'seed' });
  const sides = boxSides(options.sides ?? BOX_SENSITIVITY.sides, height, width);
  const substrate = substrateImage(image, options.substrate ?? { kind: 'blur', sigma: BOX_SENSITIVITY.sigma });

  const u = mulberry32(seed);
  const boxes: { s: number; x: number; y: number }[] = [];
  for (const s of sides) {
    for (let i = 0; i < samples; i++) {
      const x = Math.floor(u() * (width - s + 1));
      const y = Math.floor(u() * (height - s + 1));
      boxes.push({ s, x, y });
    }
  }
  const plane = height * width;
  const scores = await scoreInBatches(
    boxes.length + 1,
    data.length,
    (i, into) => {
      into.set(data);
      if (i === 0) return;
      const { s, x, y } = boxes[i - 1];
      for (let c = 0; c < channels; c++) {
        for (let yy = y; yy < y + s; yy++) {
          const row = c * plane + yy * width;
          into.set(substrate.subarray(row + x, row + x + s), row + x);
        }
      }
    },
    score,
    options.batchSize ?? DEFAULT_BATCH_SIZE,
    options.signal,
  );

  const sizes: BoxSize[] = sides.map((side, k) => {
    const relevance: number[] = [];
    const outputChange: number[] = [];
    for (let i = k * samples; i < (k + 1) * samples; i++) {
      const { s, x, y } = boxes[i];
      let sum = 0;
      for (let yy = y; yy < y + s; yy++) for (let xx = x; xx < x + s; xx++) sum += saliency[yy * width + xx];
      relevance.push(sum);
      outputChange.push(scores[0] - scores[i + 1]);
    }
    return { side, correlation: pearson(relevance, outputChange), relevance, outputChange };
  });
  const mean = sizes.reduce((a, b) => a + b.correlation, 0) / sizes.length;
  return { sizes, mean, forwardPasses: boxes.length + 1 };
}
