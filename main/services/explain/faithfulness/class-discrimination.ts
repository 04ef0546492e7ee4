// Class discrimination: how much better the target's own map explains the target than the map
// made for a wrong target does. Both maps are evaluated on the explained target's score:
// ΔA = A(own map) − A(wrong target's map).
// - measure 'fidelity' (default): A = the CDAM fidelity A_LIF − A_MIF (cdam-fidelity.ts);
//   a class-discriminative method gives ΔA > 0, a class-blind one (e.g. raw attention, the
//   same map for every target) ΔA = 0.
// - measure 'deletion-auc': A = the AUC of the MIF deletion curve alone; here a good method
//   gives ΔA < 0 (its own map removes the evidence faster).
// Follows the class-sensitivity benchmark of the CDAM paper (Brocki, Binda & Chung,
// arXiv:2312.02364); the paper's exact protocol (which wrong target) was not available to us:
// the caller chooses the wrong target's map.
import { VerdictError } from '../../../../app/errors';
import { CDAM_FIDELITY, OBZAI_EVAL, type CdamFidelityOptions, cdamCurveSpec, cdamFidelity, cdamSigma } from './cdam-fidelity';
import { defineMetric } from './definition';
import { BLUR_AT_INPUT } from './gaussian-blur';
import { perturbationCurve } from './perturbation-curve';
import type { BatchScorer, ModelImage } from './types';

export type ClassDiscriminationOptions = CdamFidelityOptions & { measure?: 'fidelity' | 'deletion-auc' };
export type ClassDiscrimination = { delta: number; own: number; other: number; forwardPasses: number };

async function measureOf(
  image: ModelImage,
  map: Float32Array,
  score: BatchScorer,
  o: ClassDiscriminationOptions,
): Promise<{ value: number; passes: number }> {
  if (o.measure === 'deletion-auc') {
    const mif = await perturbationCurve(image, map, cdamCurveSpec('most-first', image, o), score, o.signal);
    return { value: mif.auc, passes: mif.forwardPasses };
  }
  const f = await cdamFidelity(image, map, score, o);
  return { value: f.fidelity, passes: f.forwardPasses };
}

/** `score` returns the explained target's logit for both maps. */
export async function classDiscrimination(
  image: ModelImage,
  ownMap: Float32Array,
  otherMap: Float32Array,
  score: BatchScorer,
  options: ClassDiscriminationOptions = {},
): Promise<ClassDiscrimination> {
  const measure = options.measure ?? 'fidelity';
  if (measure !== 'fidelity' && measure !== 'deletion-auc')
    throw new VerdictError('explain.bad-params', `measure must be 'fidelity' or 'deletion-auc' (got ${String(measure)}).`, {
      param: 'measure',
    });
  const own = await measureOf(image, ownMap, score, options);
  const other = await measureOf(image, otherMap, score, options);
  return { delta: own.value - other.value, own: own.value, other: other.value, forwardPasses: own.passes + other.passes };
}

/** Needs the map the same method made for a wrong target (the caller picks it: main, the most probable other class of the head). */
export const classDiscriminationMetric = defineMetric('class-discrimination', {
  scorer: 'logit',
  source: `${OBZAI_EVAL} (get_MIF_LIF); the wrong target is the caller's choice`,
  params: {
    measure: 'fidelity',
    steps: CDAM_FIDELITY.steps,
    sigma: CDAM_FIDELITY.sigma,
    sigmaAt: BLUR_AT_INPUT,
    value: "fidelity(own map) − fidelity(wrong target's map)",
  },
  needs: ['image', 'score', 'otherSaliency'],
  blurAt: (height, width, scale) => ({ sigma: cdamSigma(height, width, { blur: scale }) }),
  evaluate: async (i) => {
    const r = await classDiscrimination(i.image!, i.saliency, i.otherSaliency!, i.score!, { signal: i.signal, blur: i.blur });
    return { value: r.delta, forwardPasses: r.forwardPasses, detail: { own: r.own, other: r.other } };
  },
});
