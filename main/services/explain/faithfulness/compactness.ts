// Compactness: the share of a map's values whose magnitude is at most 5% of the largest
// magnitude (higher is better: the evidence is concentrated in few pixels).
// Signed maps are taken by absolute value, so strong counter-evidence counts as much as strong
// evidence. A map that is zero everywhere has every value ≤ 5% of 0 and scores 1.
//
// The CDAM paper's compactness (Brocki, Binda & Chung, arXiv:2312.02364), as the authors
// implement it in obzai/obzai src/obz/xai/eval_tool.py (compactness: |S| ≤ 0.05·max|S|,
// counted over all map values).
import { VerdictError } from '../../../../app/errors';
import { OBZAI_EVAL } from './cdam-fidelity';
import { defineMetric } from './definition';

export const COMPACTNESS = { threshold: 0.05 } as const;

export function compactness(saliency: ArrayLike<number>, threshold: number = COMPACTNESS.threshold): number {
  if (saliency.length === 0) throw new VerdictError('explain.bad-params', 'compactness needs a non-empty map.', { param: 'saliency' });
  if (!(threshold >= 0 && threshold <= 1))
    throw new VerdictError('explain.bad-params', `threshold is a share of the largest magnitude in [0, 1] (got ${threshold}).`, {
      param: 'threshold',
    });
  let max = 0;
  for (let i = 0; i < saliency.length; i++) {
    const a = Math.abs(saliency[i]);
    if (!Number.isFinite(a))
      throw new VerdictError('explain.bad-params', `saliency[${i}] is ${saliency[i]}; a map must be finite.`, { param: 'saliency' });
    if (a > max) max = a;
  }
  const limit = threshold * max;
  let small = 0;
  for (let i = 0; i < saliency.length; i++) if (Math.abs(saliency[i]) <= limit) small++;
  return small / saliency.length;
}

export const compactnessMetric = defineMetric('compactness', {
  scorer: null,
  source: `${OBZAI_EVAL} (compactness)`,
  params: { threshold: COMPACTNESS.threshold, signed: 'absolute value' },
  needs: [],
  evaluate: async (i) => ({ value: compactness(i.saliency), forwardPasses: 0 }),
});
