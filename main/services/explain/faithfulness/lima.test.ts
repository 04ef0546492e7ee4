// Worked by hand on RAMP_4X4 with score = Σ pixels. Regions: 0 = columns 2–3 (8 px, values
// 3+4+7+8+11+12+15+16 = 76), 1 = top-left 2×2 (1+2+5+6 = 14), 2 = bottom-left 2×2 (9+10+13+14 = 46).
// Black with mean 0.5, std 0.5 is (0 − 0.5)/0.5 = −1, so the all-black image scores −16.
import { describe, expect, it } from 'vitest';
import { LIMA, limaCurveSpec, limaDeletion, limaInsertion, limaPixelCurveSpec } from './lima';
import { RAMP_4X4, linearScorer } from './test-fixtures';
import type { ModelImage } from './types';

const regions = Int32Array.from([1, 1, 0, 0, 1, 1, 0, 0, 2, 2, 0, 0, 2, 2, 0, 0]);
// constant per region, as LiMA paints its map: means 1.75, 3, 2 (sums 14, 12, 8 would rank 0, 1, 2)
const saliency = Float32Array.from(regions, (r) => [1.75, 3, 2][r]);
const normalisation = { mean: [0.5], std: [0.5] };

describe("LiMA insertion and deletion of LiMA's own map (its regions given)", () => {
  it('takes one region per step from a raw-black image, ranked by mean, on the area axis', () => {
    expect(LIMA.region).toEqual({ unit: 'region', aggregate: 'mean', substrate: 'black', axis: 'area' });
    expect(limaCurveSpec('insertion', regions, normalisation)).toMatchObject({
      mode: 'insertion',
      order: 'most-first',
      steps: 3,
      axis: 'area',
      unit: { kind: 'region', aggregate: 'mean' },
      substrate: { kind: 'black', mean: [0.5], std: [0.5] },
    });
  });

  it('insertion adds regions 1, 2, 0 to the black image', async () => {
    const c = await limaInsertion(RAMP_4X4, saliency, regions, normalisation, linearScorer());
    // −16 → +14 + 4 → 2 → +46 + 4 → 52 → +76 + 8 → 136
    expect(c.fractions).toEqual([0, 0.25, 0.5, 1]);
    expect(c.scores).toEqual([-16, 2, 52, 136]);
    expect(c.auc).toBeCloseTo((0.25 * (-16 + 2)) / 2 + (0.25 * (2 + 52)) / 2 + (0.5 * (52 + 136)) / 2, 12); // 52
    expect(c.forwardPasses).toBe(4);
  });

  it('deletion removes regions 1, 2, 0 from the image', async () => {
    const c = await limaDeletion(RAMP_4X4, saliency, regions, normalisation, linearScorer());
    expect(c.fractions).toEqual([0, 0.25, 0.5, 1]);
    expect(c.scores).toEqual([136, 118, 68, -16]);
    expect(c.auc).toBeCloseTo(68, 12);
  });
});

// Another map, pixel-wise as LIMA's baseline evaluation (xplique Insertion/Deletion, steps = 50,
// baseline 0 on the normalised input). Worked by hand on an 8×8 ramp, pixel i holding i + 1
// (Σ = 2080), with score = Σ pixels and a map that ranks pixel 0 first, then 1, 2, …:
// step k changes c_k = floor(64k/50) pixels, so deletion reads 2080 − c_k(c_k + 1)/2 and
// insertion c_k(c_k + 1)/2; x = k/50.
describe('LiMA insertion and deletion of any other map: pixel-wise in 50 steps', () => {
  const ramp: ModelImage = { data: Float32Array.from({ length: 64 }, (_, i) => i + 1), channels: 1, height: 8, width: 8 };
  const map = Float32Array.from({ length: 64 }, (_, i) => 64 - i);
  const c = (k: number) => Math.floor((64 * k) / 50);
  const removed = (k: number) => (c(k) * (c(k) + 1)) / 2;

  it("is xplique's curve: pixels, 50 steps, the normalised 0, x = k/50", () => {
    expect(LIMA.pixel).toEqual({ unit: 'pixel', steps: 50, substrate: 'zero', axis: 'steps' });
    expect(limaPixelCurveSpec('insertion')).toMatchObject({
      mode: 'insertion',
      order: 'most-first',
      unit: { kind: 'pixel' },
      substrate: { kind: 'zero' },
      steps: 50,
      axis: 'steps',
    });
  });

  it('deletion: the values computed by hand', async () => {
    const curve = await limaDeletion(ramp, map, undefined, normalisation, linearScorer());
    expect(curve.forwardPasses).toBe(51);
    expect(curve.fractions[1]).toBe(1 / 50);
    expect(curve.scores.slice(0, 4)).toEqual([2080, 2079, 2077, 2074]); // c = 0, 1, 2, 3
    expect(curve.scores[25]).toBe(2080 - 528); // c = 32
    expect(curve.scores[50]).toBe(0);
    const byHand = Array.from({ length: 51 }, (_, k) => 2080 - removed(k));
    expect(curve.scores).toEqual(byHand);
    // xplique: np.mean(s[:-1] + s[1:]) · 0.5
    const auc = byHand.slice(0, 50).reduce((a, v, k) => a + (v + byHand[k + 1]) / 2, 0) / 50;
    expect(curve.auc).toBeCloseTo(auc, 9);
  });

  it('insertion: the values computed by hand, starting from the normalised 0', async () => {
    const curve = await limaInsertion(ramp, map, undefined, normalisation, linearScorer());
    const byHand = Array.from({ length: 51 }, (_, k) => removed(k));
    expect(curve.scores).toEqual(byHand);
    expect(curve.auc).toBeCloseTo(byHand.slice(0, 50).reduce((a, v, k) => a + (v + byHand[k + 1]) / 2, 0) / 50, 9);
  });

  it("differs from ranking the map by its mean over LiMA's regions (what favoured LiMA)", async () => {
    const quarters = Int32Array.from({ length: 64 }, (_, i) => (Math.floor(i / 8) < 4 ? 0 : 2) + (i % 8 < 4 ? 0 : 1));
    const pixelWise = await limaDeletion(ramp, map, undefined, normalisation, linearScorer());
    const regionWise = await limaDeletion(ramp, map, quarters, normalisation, linearScorer());
    expect(regionWise.forwardPasses).toBe(5);
    expect(pixelWise.auc).not.toBeCloseTo(regionWise.auc, 3);
  });
});
