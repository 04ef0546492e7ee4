// Box sensitivity: square boxes of a range of sizes are placed at random and replaced by the
// substrate; for each size s, f_box(s) = the Pearson correlation between the map's summed
// importance inside the box and the drop in the target's output f(x) − f(x_box); the value is
// the area under f_box(s) over the range of sizes (higher is better).
//
// Sensitivity-n with boxes: Ancona et al., "Towards better understanding of gradient-based
// attribution methods for deep neural networks", ICLR 2018 (arXiv:1711.06104), as the CDAM paper
// (Brocki, Binda & Chung, arXiv:2312.02364) defines it — the area under f_box(s) over box sizes —
// and its authors implement the per-size part in obzai/obzai src/obz/xai/eval_tool.py
// (box_sensitivity, perturb_box): 100 boxes per size, the box filled with the Gaussian blur of
// σ = 14 (at 224 px; scaled to the input by default, gaussian-blur.ts blurAtInput), raw logits,
// the change taken as original − perturbed, and the summed map inside the box. That code returns
// the samples of one size and leaves the aggregation to the caller.
// Sizes: the paper's exact range could not be confirmed; the default is 8 evenly spaced sides
// from 1/16 to 1/2 of the shorter image side (4…32 px at 64, 14…112 px at 224), rounded, at
// least 1 px. Area: the trapezoid rule over the sides rescaled to [0, 1], so the value is the
// curve's mean height on the correlation scale (−1…1), comparable across input sizes; with one
// size it is that size's correlation. (Before: the plain mean of r over three sides, 1/8, 1/4
// and 1/2, which weights the sizes alike only when they are evenly spaced.)
// Positions: the top-left corner is uniform over every position that keeps the box inside the
// image, x = floor(u·(W − s + 1)) then y = floor(u·(H − s + 1)) from mulberry32(seed), sizes in
// the given order and 100 boxes each (obzai draws np.random.randint(0, size − s), which never
// reaches the last position). A size whose correlation is undefined (a constant sample) gives
// NaN, and so does the area.
import { VerdictError } from '../../../../app/errors';
import { mulberry32 } from '../../../../app/mulberry32';
import { checkSaliency } from './perturbation-curve';
import { DEFAULT_BATCH_SIZE, scoreInBatches } from './score-in-batches';
import { OBZAI_EVAL } from './cdam-fidelity';
import { defineMetric } from './definition';
import { BLUR_AT_INPUT, blurAtInput, type BlurScale } from './gaussian-blur';
import { pearson, trapezoid } from './stats';
import { checkImage, substrateImage } from './substrate';
import type { BatchScorer, ModelImage, Substrate } from './types';

export const BOX_SENSITIVITY = {
  sides: [1 / 16, 2 / 16, 3 / 16, 4 / 16, 5 / 16, 6 / 16, 7 / 16, 8 / 16],
  samples: 100,
  sigma: 14,
  score: 'logit',
} as const;

export type BoxSensitivityOptions = {
  /** Box sides as fractions of the shorter image side, ascending. */
  sides?: readonly number[];
  /** The blur σ: the paper's 14 px scaled to the input (default) or as written; ignored with `substrate`. */
  blur?: BlurScale;
  samples?: number;
  substrate?: Substrate;
  seed?: number;
  batchSize?: number;
  signal?: AbortSignal;
};
export type BoxSize = { side: number; correlation: number; relevance: number[]; outputChange: number[] };
/** `area`: the area under f_box(s) over the sides rescaled to [0, 1] (the headline value). */
export type BoxSensitivity = { sizes: BoxSize[]; area: number; forwardPasses: number };

/** The area under f_box(s): the trapezoid rule over the sides rescaled to [0, 1]; one side gives its own r. */
export function areaOverSizes(sides: readonly number[], correlations: readonly number[]): number {
  if (sides.length === 1) return correlations[0];
  const lo = sides[0];
  const span = sides[sides.length - 1] - lo;
  if (!(span > 0)) return correlations.reduce((a, b) => a + b, 0) / correlations.length; // every side rounded to the same size
  return trapezoid(
    sides.map((s) => (s - lo) / span),
    correlations,
  );
}

/** Box sides in pixels for the given fractions of the shorter side of height×width. */
export function boxSides(fractions: readonly number[], height: number, width: number): number[] {
  if (fractions.length === 0) throw new VerdictError('explain.bad-params', 'sides must name at least one box size.', { param: 'sides' });
  const short = Math.min(height, width);
  return fractions
    .map((f) => {
      if (!(f > 0 && f <= 1))
        throw new VerdictError('explain.bad-params', `A box side is a fraction of the image side in (0, 1] (got ${f}).`, {
          param: 'sides',
        });
      return Math.max(1, Math.round(f * short));
    })
    .map((side, i, all) => {
      if (i > 0 && side < all[i - 1])
        throw new VerdictError('explain.bad-params', 'Box sides must be given in ascending order (the area runs over sizes).', {
          param: 'sides',
        });
      return side;
    });
}

export async function boxSensitivity(
  image: ModelImage,
  saliency: Float32Array,
  score: BatchScorer,
  options: BoxSensitivityOptions = {},
): Promise<BoxSensitivity> {
  checkImage(image);
  const { data, channels, height, width } = image;
  checkSaliency(saliency, height, width);
  const samples = options.samples ?? BOX_SENSITIVITY.samples;
  if (!Number.isInteger(samples) || samples < 2)
    throw new VerdictError('explain.bad-params', `samples must be a whole number ≥ 2 (got ${samples}).`, { param: 'samples' });
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed))
    throw new VerdictError('explain.bad-params', `seed must be a whole number (got ${seed}).`, { param: 'seed' });
  const sides = boxSides(options.sides ?? BOX_SENSITIVITY.sides, height, width);
  const substrate = substrateImage(
    image,
    options.substrate ?? { kind: 'blur', ...blurAtInput({ sigma: BOX_SENSITIVITY.sigma }, height, width, options.blur) },
  );

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
  return {
    sizes,
    area: areaOverSizes(
      sides,
      sizes.map((s) => s.correlation),
    ),
    forwardPasses: boxes.length + 1,
  };
}

export const boxSensitivityMetric = defineMetric('box-sensitivity', {
  scorer: 'logit',
  source: `${OBZAI_EVAL} (box_sensitivity)`,
  params: {
    sides: BOX_SENSITIVITY.sides,
    samples: BOX_SENSITIVITY.samples,
    substrate: 'blur',
    sigma: BOX_SENSITIVITY.sigma,
    sigmaAt: BLUR_AT_INPUT,
    seed: 0,
    value: 'area under f_box(s) (Pearson r per side) over the sides rescaled to [0, 1]',
  },
  needs: ['image', 'score'],
  blurAt: (height, width, scale) => blurAtInput({ sigma: BOX_SENSITIVITY.sigma }, height, width, scale),
  evaluate: async (i) => {
    const r = await boxSensitivity(i.image!, i.saliency, i.score!, { signal: i.signal, blur: i.blur });
    return {
      value: r.area,
      forwardPasses: r.forwardPasses,
      detail: { sides: r.sizes.map((s) => s.side), correlations: r.sizes.map((s) => s.correlation) },
    };
  },
});
