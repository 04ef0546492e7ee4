// Fidelity as the CDAM paper measures it: pixels are deleted most-important-first (MIF) and
// least-important-first (LIF) into a Gaussian blur of σ = 14 px, the target's logit is read at
// each step, and fidelity = A_LIF − A_MIF, the area between the two curves (higher is better).
//
// Brocki, Binda & Chung, "Class-Discriminative Attention Maps for Vision Transformers",
// arXiv:2312.02364. The paper's text was not available to us; the unit, step count and AUC are
// those of the authors' own implementation, obzai/obzai src/obz/xai/eval_tool.py (Fidelity,
// get_MIF_LIF, perturb_n; Alethia XAI, 2025): single pixels ranked by the signed map
// (MIF = most positive first, LIF = most negative first), steps = 40 (the Fidelity default),
// n_k = int(k/40 · H·W) pixels at step k, the blur of σ = 14 (Pillow GaussianBlur(radius=14),
// whose radius is the standard deviation), raw logits, fidelity = trapz(LIF − MIF, x = k/40).
// Here x is the exact share n_k/(H·W), which differs from k/40 by less than 1/(H·W); the blur is
// the exact Gaussian on the normalised image (Pillow applies three box blurs to the 8-bit
// image; a blur commutes with the per-channel normalisation up to rounding and edges).
import { perturbationCurve } from './perturbation-curve';
import type { BatchScorer, Curve, CurveSpec, ModelImage } from './types';

export const CDAM_FIDELITY = { steps: 40, sigma: 14, score: 'logit' } as const;

export type CdamFidelityOptions = { steps?: number; sigma?: number; batchSize?: number; signal?: AbortSignal };
export type CdamFidelity = { fidelity: number; mif: Curve; lif: Curve; forwardPasses: number };

export function cdamCurveSpec(order: 'most-first' | 'least-first', o: CdamFidelityOptions = {}): CurveSpec {
  return {
    mode: 'deletion',
    order,
    unit: { kind: 'pixel' },
    substrate: { kind: 'blur', sigma: o.sigma ?? CDAM_FIDELITY.sigma },
    steps: o.steps ?? CDAM_FIDELITY.steps,
    batchSize: o.batchSize,
  };
}

/** MIF and LIF curves (2·(steps + 1) forward passes) and fidelity = A_LIF − A_MIF; `score` must return the target's logit. */
export async function cdamFidelity(image: ModelImage, saliency: Float32Array, score: BatchScorer, options: CdamFidelityOptions = {}): Promise<CdamFidelity> {
  const mif = await perturbationCurve(image, saliency, cdamCurveSpec('most-first', options), score, options.signal);
  const lif = await perturbationCurve(image, saliency, cdamCurveSpec('least-first', options), score, options.signal);
  return { fidelity: lif.auc - mif.auc, mif, lif, forwardPasses: mif.forwardPasses + lif.forwardPasses };
}
