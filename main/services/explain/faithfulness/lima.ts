// LiMA's insertion and deletion AUC over ranked sub-regions (superpixels): insertion adds the
// regions in rank order to a black image, deletion removes them in the same order from the
// image, one region per step, and the explained class's probability is integrated over the
// share of the image's area changed.
//
// Chen et al., "Less is More: Efficient Black-box Attribution via Minimal Interpretable Subset
// Selection", arXiv:2504.00470 (2025); code RuoyuChen10/LIMA: evals/eval_AUC_faithfulness.py,
// models/submodular_vit_efficient.py, utils.py SubRegionDivision. There, each sub-region is
// `image * mask` of the raw 8-bit image, the insertion baseline is `image − image` (raw 0, so
// 'black' here: (0 − mean)/std after normalisation), the scores are softmax probabilities
// (consistency p(x_S) for insertion, p(x − x_S) for deletion), the first point is the
// empty/full image, x is the share of pixels inserted or deleted, and the AUC is
// sklearn.metrics.auc (the trapezoid rule): axis 'area' here.
// LiMA ranks regions by its submodular search and paints a map that is constant per region
// (tools/assigned_value.py); ranking regions by the mean saliency (aggregate 'mean') gives
// that order back from the map whatever the region sizes, and is XRAI's gain density for any
// other map. Differences: LiMA's area counts pixels whose raw value is not 0 in every channel
// (a black pixel counts as not inserted); here every pixel of a region counts.
import { VerdictError } from '../../../../app/errors';
import type { Normalisation } from '../input/normalise';
import { perturbationCurve } from './perturbation-curve';
import type { BatchScorer, Curve, CurveSpec, ModelImage } from './types';

export const LIMA = { unit: 'region', aggregate: 'mean', substrate: 'black', axis: 'area', score: 'probability' } as const;

export type LimaOptions = { batchSize?: number; signal?: AbortSignal };

function regionCount(regions: Int32Array): number {
  let max = -1;
  for (let i = 0; i < regions.length; i++) if (regions[i] > max) max = regions[i];
  if (max < 0) throw new VerdictError('explain.bad-params', 'regions must label every pixel with a region id 0…R−1.', { param: 'regions' });
  return max + 1;
}

export function limaCurveSpec(mode: 'deletion' | 'insertion', regions: Int32Array, normalisation: Normalisation, o: LimaOptions = {}): CurveSpec {
  return {
    mode,
    order: 'most-first',
    unit: { kind: 'region', labels: regions, aggregate: 'mean' },
    substrate: { kind: 'black', mean: [...normalisation.mean], std: [...normalisation.std] },
    steps: regionCount(regions),
    axis: 'area',
    batchSize: o.batchSize,
  };
}

/** Insertion curve (R + 1 points, higher AUC is better); `score` must return the class probability. */
export function limaInsertion(image: ModelImage, saliency: Float32Array, regions: Int32Array, normalisation: Normalisation, score: BatchScorer, options: LimaOptions = {}): Promise<Curve> {
  return perturbationCurve(image, saliency, limaCurveSpec('insertion', regions, normalisation, options), score, options.signal);
}

/** Deletion curve (R + 1 points, lower AUC is better); `score` must return the class probability. */
export function limaDeletion(image: ModelImage, saliency: Float32Array, regions: Int32Array, normalisation: Normalisation, score: BatchScorer, options: LimaOptions = {}): Promise<Curve> {
  return perturbationCurve(image, saliency, limaCurveSpec('deletion', regions, normalisation, options), score, options.signal);
}
