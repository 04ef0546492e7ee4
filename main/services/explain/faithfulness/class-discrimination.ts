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
import { type CdamFidelityOptions, cdamCurveSpec, cdamFidelity } from './cdam-fidelity';
import { perturbationCurve } from './perturbation-curve';
import type { BatchScorer, ModelImage } from './types';

export type ClassDiscriminationOptions = CdamFidelityOptions & { measure?: 'fidelity' | 'deletion-auc' };
export type ClassDiscrimination = { delta: number; own: number; other: number; forwardPasses: number };

async function measureOf(image: ModelImage, map: Float32Array, score: BatchScorer, o: ClassDiscriminationOptions): Promise<{ value: number; passes: number }> {
  if (o.measure === 'deletion-auc') {
    const mif = await perturbationCurve(image, map, cdamCurveSpec('most-first', image, o), score, o.signal);
    return { value: mif.auc, passes: mif.forwardPasses };
  }
  const f = await cdamFidelity(image, map, score, o);
  return { value: f.fidelity, passes: f.forwardPasses };
}

/** `score` returns the explained target's logit for both maps. */
export async function classDiscrimination(image: ModelImage, ownMap: Float32Array, otherMap: Float32Array, score: BatchScorer, options: ClassDiscriminationOptions = {}): Promise<ClassDiscrimination> {
  const measure = options.measure ?? 'fidelity';
  if (measure !== 'fidelity' && measure !== 'deletion-auc') throw new VerdictError('explain.bad-params', `measure must be 'fidelity' or 'deletion-auc' (got ${String(measure)}).`, { param: 'measure' });
  const own = await measureOf(image, ownMap, score, options);
  const other = await measureOf(image, otherMap, score, options);
  return { delta: own.value - other.value, own: own.value, other: other.value, forwardPasses: own.passes + other.passes };
}
