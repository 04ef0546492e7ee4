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
// Blur width: σ = 14 px was set for 224×224 inputs; by default it is scaled to ours, σ·S/224
// (4 px at 64×64; gaussian-blur.ts blurAtInput), and `blur: 'paper'` keeps 14 px as written.
// `sigma` sets σ in pixels outright.
import { defineMetric } from './definition';
import { BLUR_AT_INPUT, blurAtInput, type BlurScale } from './gaussian-blur';
import { perturbationCurve } from './perturbation-curve';
import type { BatchScorer, Curve, CurveSpec, ModelImage } from './types';

export const CDAM_FIDELITY = { steps: 40, sigma: 14, score: 'logit' } as const;

export type CdamFidelityOptions = { steps?: number; sigma?: number; blur?: BlurScale; batchSize?: number; signal?: AbortSignal };
export type CdamFidelity = { fidelity: number; mif: Curve; lif: Curve; forwardPasses: number };

/** The blur σ in pixels of a height×width input: `sigma` if given, else the paper's 14 px, scaled unless `blur` is 'paper'. */
export function cdamSigma(height: number, width: number, o: Pick<CdamFidelityOptions, 'sigma' | 'blur'> = {}): number {
  return o.sigma ?? blurAtInput({ sigma: CDAM_FIDELITY.sigma }, height, width, o.blur).sigma;
}

export function cdamCurveSpec(
  order: 'most-first' | 'least-first',
  size: { height: number; width: number },
  o: CdamFidelityOptions = {},
): CurveSpec {
  return {
    mode: 'deletion',
    order,
    unit: { kind: 'pixel' },
    substrate: { kind: 'blur', sigma: cdamSigma(size.height, size.width, o) },
    steps: o.steps ?? CDAM_FIDELITY.steps,
    batchSize: o.batchSize,
  };
}

/** MIF and LIF curves (2·(steps + 1) forward passes) and fidelity = A_LIF − A_MIF; `score` must return the target's logit. */
export async function cdamFidelity(
  image: ModelImage,
  saliency: Float32Array,
  score: BatchScorer,
  options: CdamFidelityOptions = {},
): Promise<CdamFidelity> {
  const mif = await perturbationCurve(image, saliency, cdamCurveSpec('most-first', image, options), score, options.signal);
  const lif = await perturbationCurve(image, saliency, cdamCurveSpec('least-first', image, options), score, options.signal);
  return { fidelity: lif.auc - mif.auc, mif, lif, forwardPasses: mif.forwardPasses + lif.forwardPasses };
}

/** The authors' evaluation code, the source of the CDAM paper's metrics' parameters. */
export const OBZAI_EVAL = 'github.com/obzai/obzai src/obz/xai/eval_tool.py';

export const cdamFidelityMetric = defineMetric('cdam-fidelity', {
  scorer: 'logit',
  source: OBZAI_EVAL,
  params: {
    unit: 'pixel',
    steps: CDAM_FIDELITY.steps,
    substrate: 'blur',
    sigma: CDAM_FIDELITY.sigma,
    sigmaAt: BLUR_AT_INPUT,
    auc: 'trapezoid over [0, 1]',
    value: 'A_LIF − A_MIF',
  },
  needs: ['image', 'score'],
  blurAt: (height, width, scale) => ({ sigma: cdamSigma(height, width, { blur: scale }) }),
  evaluate: async (i) => {
    const r = await cdamFidelity(i.image!, i.saliency, i.score!, { signal: i.signal, blur: i.blur });
    return { value: r.fidelity, forwardPasses: r.forwardPasses, curves: { mif: r.mif, lif: r.lif } };
  },
});
