// Known answers: the blurred RAMP_4X4 from scipy.ndimage.gaussian_filter(σ = 1, truncate = 3,
// mode = 'reflect'); with the weighted scorer, point k = Σ w·x − Σ_removed w_i·(x_i − b_i) over the
// pixel groups of MAP_4X4's orders (test-fixtures.ts), four pixels a step.
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../../app/mulberry32';
import { CDAM_FIDELITY, cdamCurveSpec, cdamFidelity, cdamSigma } from './cdam-fidelity';
import { gaussianBlur } from './gaussian-blur';
import { MAP_4X4, RAMP_4X4, WEIGHTS_4X4, linearScorer } from './test-fixtures';
import type { ModelImage } from './types';

describe('CDAM fidelity', () => {
  it('uses pixels, 40 steps, a Gaussian blur of σ = 14 at 224 px and deletion', () => {
    expect(CDAM_FIDELITY).toEqual({ steps: 40, sigma: 14, score: 'logit' });
    const at224 = { height: 224, width: 224 };
    expect(cdamCurveSpec('least-first', at224)).toEqual({
      mode: 'deletion',
      order: 'least-first',
      unit: { kind: 'pixel' },
      substrate: { kind: 'blur', sigma: 14 },
      steps: 40,
      batchSize: undefined,
    });
  });

  it("scales σ to the input by default (σ·side/224: 4 px at 64 px), keeps 14 px with blur 'paper'", async () => {
    expect(cdamSigma(64, 64)).toBe(4);
    expect(cdamSigma(64, 96)).toBe(4); // the shorter side
    expect(cdamSigma(112, 112)).toBe(7);
    expect(cdamSigma(64, 64, { blur: 'paper' })).toBe(14);
    expect(cdamSigma(64, 64, { sigma: 2.5 })).toBe(2.5);
    expect(cdamCurveSpec('most-first', { height: 64, width: 64 }).substrate).toEqual({ kind: 'blur', sigma: 4 });
    // Through the curve: its last point is the score of the image blurred with σ = 4, not 14.
    const u = mulberry32(4);
    const image: ModelImage = { data: Float32Array.from({ length: 64 * 64 }, () => u()), channels: 1, height: 64, width: 64 };
    const weights = Float64Array.from({ length: 64 * 64 }, () => u() - 0.5);
    const saliency = Float32Array.from({ length: 64 * 64 }, () => u());
    const end = async (blur?: 'paper') => (await cdamFidelity(image, saliency, linearScorer(weights), { steps: 2, blur })).mif.scores[2];
    const [scored] = await linearScorer(weights)(gaussianBlur(image.data, 1, 64, 64, 4), 1);
    const [paper] = await linearScorer(weights)(gaussianBlur(image.data, 1, 64, 64, 14), 1);
    expect(await end()).toBeCloseTo(scored, 3);
    expect(await end('paper')).toBeCloseTo(paper, 3);
    expect(Math.abs(scored - paper)).toBeGreaterThan(0.1);
  });

  it('equals A_LIF − A_MIF worked out from the blurred image', async () => {
    const r = await cdamFidelity(RAMP_4X4, MAP_4X4, linearScorer(WEIGHTS_4X4), { steps: 4, sigma: 1 });
    const mif = [-2, -0.72134535, -4.49443763, -6.32505386, -6.024579];
    const lif = [-2, -2.37723007, -0.53273031, -7.30323365, -6.024579];
    mif.forEach((v, i) => expect(r.mif.scores[i]).toBeCloseTo(v, 4));
    lif.forEach((v, i) => expect(r.lif.scores[i]).toBeCloseTo(v, 4));
    expect(r.mif.auc).toBeCloseTo(-3.88828158, 4);
    expect(r.lif.auc).toBeCloseTo(-3.55637088, 4);
    expect(r.fidelity).toBeCloseTo(0.3319107, 4);
    expect(r.forwardPasses).toBe(10);
  });

  it('changes int(k/40 · H·W) pixels at step k with the defaults', async () => {
    const image: ModelImage = { data: Float32Array.from({ length: 256 }, (_, i) => Math.sin(i)), channels: 1, height: 16, width: 16 };
    const saliency = Float32Array.from({ length: 256 }, (_, i) => Math.cos(i * 7));
    const r = await cdamFidelity(image, saliency, linearScorer());
    expect(r.mif.fractions.length).toBe(41);
    expect(r.mif.fractions.slice(0, 4).map((f) => f * 256)).toEqual([0, 6, 12, 19]);
    expect(r.lif.fractions[40]).toBe(1);
    expect(r.forwardPasses).toBe(82);
    // both curves start at the image and end at its blur
    expect(r.mif.scores[0]).toBe(r.lif.scores[0]);
    expect(r.mif.scores[40]).toBe(r.lif.scores[40]);
  });
});
