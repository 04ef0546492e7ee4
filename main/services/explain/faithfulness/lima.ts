// LiMA's insertion and deletion AUC, as RuoyuChen10/LIMA evaluates each kind of map. The
// explained class's softmax probability is read as the image is built up (insertion, higher AUC
// is better) or taken apart (deletion, lower is better).
//
// Chen et al., "Less is More: Efficient Black-box Attribution via Minimal Interpretable Subset
// Selection", arXiv:2504.00470 (2025); code RuoyuChen10/LIMA.
//
// - Any other map (CDAM, attention, RISE…) — pixel-wise, as the repo scores its baselines
//   (evals/eval_single_modal_vitl_baseline.py: xplique's Insertion/Deletion with steps = 50 and
//   activation "softmax"): pixels ranked by the map (np.argsort, most important first), at step
//   k = 0…50 the first int(k·N/50) pixels (N = H·W, all channels together) changed, baseline
//   0.0 on the normalised input (the normalisation's mean colour, 'zero' here), and the AUC
//   mean((s_k + s_k+1)/2) — the trapezoid over x = k/50 (axis 'steps'). Ties: np.argsort's order
//   is unspecified; here equal values go by pixel index.
// - LiMA's own map — per sub-region, as the repo scores LiMA (evals/eval_AUC_faithfulness.py,
//   models/submodular_vit_efficient.py, utils.py SubRegionDivision): each sub-region is
//   `image * mask` of the raw 8-bit image, the insertion baseline is `image − image` (raw 0, so
//   'black' here: (0 − mean)/std after normalisation), one region per step in LiMA's ranking,
//   the first point is the empty/full image, x is the share of pixels inserted or deleted and
//   the AUC is sklearn.metrics.auc (the trapezoid rule): axis 'area' here. LiMA paints a map that
//   is constant per region (tools/assigned_value.py); ranking regions by the mean saliency
//   (aggregate 'mean') gives its ranking back whatever the region sizes. Differences: LiMA's area
//   counts pixels whose raw value is not 0 in every channel (a black pixel counts as not
//   inserted); here every pixel of a region counts.
// Before, every map was ranked by its mean over LiMA's own superpixels, which favoured LiMA: a
// map scored on the partition LiMA optimised, not on its own pixels.
import { VerdictError } from '../../../../app/errors';
import type { Normalisation } from '../input/normalise';
import { curveResult, defineMetric, type MetricDefinition } from './definition';
import { perturbationCurve } from './perturbation-curve';
import type { BatchScorer, Curve, CurveSpec, ModelImage } from './types';

export const LIMA = {
  pixel: { unit: 'pixel', steps: 50, substrate: 'zero', axis: 'steps' },
  region: { unit: 'region', aggregate: 'mean', substrate: 'black', axis: 'area' },
  score: 'probability',
} as const;

export type LimaOptions = { batchSize?: number; signal?: AbortSignal };

function regionCount(regions: Int32Array): number {
  let max = -1;
  for (let i = 0; i < regions.length; i++) if (regions[i] > max) max = regions[i];
  if (max < 0) throw new VerdictError('explain.bad-params', 'regions must label every pixel with a region id 0…R−1.', { param: 'regions' });
  return max + 1;
}

/** LiMA's own map: one region per step from/to raw black, on the area axis. */
export function limaCurveSpec(
  mode: 'deletion' | 'insertion',
  regions: Int32Array,
  normalisation: Normalisation,
  o: LimaOptions = {},
): CurveSpec {
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

/** Any other map: pixel-wise in 50 steps from/to the normalised 0, x = k/50 (LIMA's baseline evaluation). */
export function limaPixelCurveSpec(mode: 'deletion' | 'insertion', o: LimaOptions = {}): CurveSpec {
  return {
    mode,
    order: 'most-first',
    unit: { kind: 'pixel' },
    substrate: { kind: 'zero' },
    steps: LIMA.pixel.steps,
    axis: 'steps',
    batchSize: o.batchSize,
  };
}

/** The curve for a map: per region when `regions` (the map's own, LiMA's) is given, else pixel-wise. */
function spec(mode: 'deletion' | 'insertion', regions: Int32Array | undefined, normalisation: Normalisation, o: LimaOptions): CurveSpec {
  return regions ? limaCurveSpec(mode, regions, normalisation, o) : limaPixelCurveSpec(mode, o);
}

/** Insertion curve (higher AUC is better); `score` must return the class probability. */
export function limaInsertion(
  image: ModelImage,
  saliency: Float32Array,
  regions: Int32Array | undefined,
  normalisation: Normalisation,
  score: BatchScorer,
  options: LimaOptions = {},
): Promise<Curve> {
  return perturbationCurve(image, saliency, spec('insertion', regions, normalisation, options), score, options.signal);
}

/** Deletion curve (lower AUC is better); `score` must return the class probability. */
export function limaDeletion(
  image: ModelImage,
  saliency: Float32Array,
  regions: Int32Array | undefined,
  normalisation: Normalisation,
  score: BatchScorer,
  options: LimaOptions = {},
): Promise<Curve> {
  return perturbationCurve(image, saliency, spec('deletion', regions, normalisation, options), score, options.signal);
}

const LIMA_CODE =
  "github.com/RuoyuChen10/LIMA evals/eval_single_modal_vitl_baseline.py (xplique Insertion/Deletion, other maps), evals/eval_AUC_faithfulness.py and utils.py SubRegionDivision (LiMA's own)";

/** What the two presets share: how each kind of map is stepped through, and the legend that says which was used. */
const limaPreset = {
  scorer: 'probability',
  source: LIMA_CODE,
  params: {
    otherMaps: { ...LIMA.pixel, baseline: '0 on the normalised input (mean colour)', auc: 'mean of the trapezoids (xplique)' },
    limaMaps: { ...LIMA.region, steps: 'one region per step' },
  },
  needs: ['image', 'score', 'normalisation'],
  accepts: ['regions'],
  measuredAs: (p) =>
    p.regions
      ? "per region of the map's own sub-regions (LiMA's evaluation)"
      : `pixel-wise in ${LIMA.pixel.steps} steps (LIMA's evaluation of other maps)`,
} as const satisfies Partial<MetricDefinition>;

export const limaInsertionMetric = defineMetric('lima-insertion', {
  ...limaPreset,
  evaluate: async (i) =>
    curveResult(await limaInsertion(i.image!, i.saliency, i.regions, i.normalisation!, i.score!, { signal: i.signal })),
});

export const limaDeletionMetric = defineMetric('lima-deletion', {
  ...limaPreset,
  evaluate: async (i) => curveResult(await limaDeletion(i.image!, i.saliency, i.regions, i.normalisation!, i.score!, { signal: i.signal })),
});
