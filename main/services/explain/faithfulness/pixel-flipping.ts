// Pixel flipping as Quantus implements it: features are flipped to a baseline in order of
// decreasing attribution, `features_in_step` at a time, and the class score is read after
// every flip; the AUC is the trapezoid rule with unit spacing (lower is better).
//
// Bach et al., "On pixel-wise explanations for non-linear classifier decisions by layer-wise
// relevance propagation", PLoS ONE 10(7):e0130140 (2015); Quantus (Hedström et al., JMLR 24(34),
// 2023), quantus/metrics/faithfulness/pixel_flipping.py with helpers/utils.py
// (get_baseline_dict, calculate_auc) and functions/perturb_func.py:
// - an H×W attribution is broadcast over the C channels, so there are C·H·W features and
//   C·H·W / features_in_step flips; Quantus asserts that features_in_step divides H·W;
// - perturb_baseline "black" is x.min(), the input's smallest value over all channels: 'min';
// - order np.argsort(−a): most positive first; `normalise` (divide by max |a|) keeps the order;
// - softmax defaults to True: the score is the class probability;
// - the curve holds the scores after each flip (none before the first), and
//   calculate_auc = np.trapz(curve, dx=1), not normalised to [0, 1].
// The curve here flips whole pixels (all channels): point k has floor(k·features_in_step/C)
// pixels flipped where Quantus has k·features_in_step channel values, so it differs by at
// most one pixel's channels when C does not divide features_in_step. It also scores the
// unflipped image (fraction 0), which Quantus leaves out of its curve and AUC.
import { VerdictError } from '../../../../app/errors';
import { defineMetric } from './definition';
import { perturbationCurve } from './perturbation-curve';
import { checkImage } from './substrate';
import type { BatchScorer, Curve, CurveSpec, ModelImage } from './types';

export const QUANTUS_PIXEL_FLIPPING = { perturbBaseline: 'min', score: 'probability' } as const;

/** featuresInStep counts channel values as Quantus does; default the image width (224 in Quantus's ImageNet tutorial). */
export type PixelFlippingOptions = { featuresInStep?: number; batchSize?: number; signal?: AbortSignal };
export type PixelFlipping = {
  /** Our curve, from the unflipped image (fraction 0) to everything flipped. */
  curve: Curve;
  /** Quantus's curve: the scores after each flip (curve.scores without its first point). */
  quantusCurve: number[];
  /** np.trapz(quantusCurve, dx = 1). */
  quantusAuc: number;
};

export function pixelFlippingSpec(image: ModelImage, o: PixelFlippingOptions = {}): CurveSpec {
  checkImage(image);
  const { channels, height, width } = image;
  const n = height * width;
  const f = o.featuresInStep ?? width;
  if (!Number.isInteger(f) || f < channels || n % f !== 0) {
    throw new VerdictError(
      'explain.bad-params',
      `featuresInStep must divide the ${n} pixels (Quantus's assertion) and be at least the ${channels} channels of one pixel (got ${f}).`,
      { param: 'featuresInStep' },
    );
  }
  return {
    mode: 'deletion',
    order: 'most-first',
    unit: { kind: 'pixel' },
    substrate: { kind: 'min' },
    steps: (channels * n) / f,
    batchSize: o.batchSize,
  };
}

/** `score` must return the explained class's softmax probability (Quantus's default). */
export async function pixelFlipping(
  image: ModelImage,
  saliency: Float32Array,
  score: BatchScorer,
  options: PixelFlippingOptions = {},
): Promise<PixelFlipping> {
  const curve = await perturbationCurve(image, saliency, pixelFlippingSpec(image, options), score, options.signal);
  const quantusCurve = curve.scores.slice(1);
  let quantusAuc = 0;
  for (let i = 0; i + 1 < quantusCurve.length; i++) quantusAuc += (quantusCurve[i] + quantusCurve[i + 1]) / 2;
  return { curve, quantusCurve, quantusAuc };
}

export const pixelFlippingMetric = defineMetric('pixel-flipping', {
  scorer: 'probability',
  source: 'github.com/understandable-machine-intelligence-lab/Quantus quantus/metrics/faithfulness/pixel_flipping.py',
  params: {
    featuresInStep: 'image width (224, the ImageNet tutorial)',
    perturbBaseline: 'black = x.min()',
    substrate: QUANTUS_PIXEL_FLIPPING.perturbBaseline,
    auc: 'np.trapz(dx = 1) after each flip',
  },
  needs: ['image', 'score'],
  evaluate: async (i) => {
    const r = await pixelFlipping(i.image!, i.saliency, i.score!, { signal: i.signal });
    return {
      value: r.quantusAuc,
      forwardPasses: r.curve.forwardPasses,
      curves: { curve: r.curve },
      detail: { quantusCurve: r.quantusCurve, normalisedAuc: r.curve.auc },
    };
  },
});
