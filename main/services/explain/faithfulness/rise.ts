// RISE's causal metrics: the deletion game (remove the most salient pixels first; a steep fall,
// a low AUC is good) and the insertion game (put the most salient pixels back into a blurred
// image first; a steep rise, a high AUC is good), on the class probability.
//
// Petsiuk, Das & Saenko, "RISE: Randomized Input Sampling for Explanation of Black-box Models",
// BMVC 2018 (arXiv:1806.07421). Parameters from the authors' code, eclique/RISE
// (evaluation.py CausalMetric and auc, Evaluation.ipynb):
// - step = 224 pixels per iteration at 224×224, i.e. one image row's worth: steps = H;
// - deletion substrate torch.zeros_like on the normalised tensor: 'zero' (the mean colour);
// - insertion substrate: conv2d with gkern(klen = 11, nsig = 5), i.e. σ = 5 on an 11×11
//   kernel: blur σ = 5, radius 5;
// - the model is wrapped in Softmax: the score is the probability of the explained class;
// - auc(arr) = (Σ arr − arr₀/2 − arr_n/2)/n: the trapezoid rule over x = i/n, as here.
// Differences: gkern builds its kernel by scipy gaussian_filter of a delta on an 11×11 grid
// (tails folded back by reflection) and conv2d pads with zeros; here the truncated Gaussian is
// renormalised and edges are reflected, which changes only pixels within 5 px of the border.
// np.argsort ties are unordered there; here equal values go by pixel index.
// Blur width: σ = 5 on 11×11 was set for 224×224 inputs; by default both are scaled to ours,
// σ·S/224 and radius round(5·S/224) ≥ 1 (σ ≈ 1.43 on 3×3 at 64×64; gaussian-blur.ts
// blurAtInput), and `blur: 'paper'` keeps σ = 5 on 11×11 as written.
import { VerdictError } from '../../../../app/errors';
import { curveResult, defineMetric } from './definition';
import { BLUR_AT_INPUT, blurAtInput, type BlurScale } from './gaussian-blur';
import { perturbationCurve } from './perturbation-curve';
import { checkImage } from './substrate';
import type { BatchScorer, Curve, CurveSpec, ModelImage } from './types';

export const RISE = { deletionSubstrate: 'zero', insertionSigma: 5, insertionRadius: 5, score: 'probability' } as const;

/** pixelsPerStep defaults to the image width (RISE's 224 at 224×224) and must divide H·W. */
export type RiseOptions = { pixelsPerStep?: number; blur?: BlurScale; batchSize?: number; signal?: AbortSignal };

/** The insertion blur on a height×width input (see the header). */
export function riseBlur(height: number, width: number, blur?: BlurScale): { sigma: number; radius?: number } {
  return blurAtInput({ sigma: RISE.insertionSigma, radius: RISE.insertionRadius }, height, width, blur);
}

export function riseCurveSpec(mode: 'deletion' | 'insertion', image: ModelImage, o: RiseOptions = {}): CurveSpec {
  checkImage(image);
  const n = image.height * image.width;
  const step = o.pixelsPerStep ?? image.width;
  if (!Number.isInteger(step) || step < 1 || n % step !== 0) {
    throw new VerdictError('explain.bad-params', `pixelsPerStep must be a whole number that divides the ${n} pixels (got ${step}).`, {
      param: 'pixelsPerStep',
    });
  }
  return {
    mode,
    order: 'most-first',
    unit: { kind: 'pixel' },
    substrate: mode === 'deletion' ? { kind: 'zero' } : { kind: 'blur', ...riseBlur(image.height, image.width, o.blur) },
    steps: n / step,
    batchSize: o.batchSize,
  };
}

/** RISE deletion curve; `score` must return the explained class's softmax probability. */
export function riseDeletion(image: ModelImage, saliency: Float32Array, score: BatchScorer, options: RiseOptions = {}): Promise<Curve> {
  return perturbationCurve(image, saliency, riseCurveSpec('deletion', image, options), score, options.signal);
}

/** RISE insertion curve; `score` must return the explained class's softmax probability. */
export function riseInsertion(image: ModelImage, saliency: Float32Array, score: BatchScorer, options: RiseOptions = {}): Promise<Curve> {
  return perturbationCurve(image, saliency, riseCurveSpec('insertion', image, options), score, options.signal);
}

const RISE_CODE = 'github.com/eclique/RISE evaluation.py (CausalMetric, auc), Evaluation.ipynb';

export const riseInsertionMetric = defineMetric('rise-insertion', {
  scorer: 'probability',
  source: RISE_CODE,
  params: {
    unit: 'pixel',
    pixelsPerStep: 'image width (224)',
    substrate: 'blur',
    sigma: RISE.insertionSigma,
    radius: RISE.insertionRadius,
    sigmaAt: BLUR_AT_INPUT,
    order: 'most-first',
  },
  needs: ['image', 'score'],
  blurAt: riseBlur,
  evaluate: async (i) => curveResult(await riseInsertion(i.image!, i.saliency, i.score!, { signal: i.signal, blur: i.blur })),
});

export const riseDeletionMetric = defineMetric('rise-deletion', {
  scorer: 'probability',
  source: RISE_CODE,
  params: { unit: 'pixel', pixelsPerStep: 'image width (224)', substrate: RISE.deletionSubstrate, order: 'most-first' },
  needs: ['image', 'score'],
  evaluate: async (i) => curveResult(await riseDeletion(i.image!, i.saliency, i.score!, { signal: i.signal })),
});
