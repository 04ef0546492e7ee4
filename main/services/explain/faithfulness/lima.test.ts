// Worked by hand on RAMP_4X4 with score = Σ pixels. Regions: 0 = columns 2–3 (8 px, values
// 3+4+7+8+11+12+15+16 = 76), 1 = top-left 2×2 (1+2+5+6 = 14), 2 = bottom-left 2×2 (9+10+13+14 = 46).
// Black with mean 0.5, std 0.5 is (0 − 0.5)/0.5 = −1, so the all-black image scores −16.
import { describe, expect, it } from 'vitest';
import { LIMA, limaCurveSpec, limaDeletion, limaInsertion } from './lima';
import { RAMP_4X4, linearScorer } from './test-fixtures';

const regions = Int32Array.from([1, 1, 0, 0, 1, 1, 0, 0, 2, 2, 0, 0, 2, 2, 0, 0]);
// constant per region, as LiMA paints its map: means 1.75, 3, 2 (sums 14, 12, 8 would rank 0, 1, 2)
const saliency = Float32Array.from(regions, (r) => [1.75, 3, 2][r]);
const normalisation = { mean: [0.5], std: [0.5] };

describe('LiMA insertion and deletion', () => {
  it('takes one region per step from a raw-black image, ranked by mean, on the area axis', () => {
    expect(LIMA).toEqual({ unit: 'region', aggregate: 'mean', substrate: 'black', axis: 'area', score: 'probability' });
    expect(limaCurveSpec('insertion', regions, normalisation)).toMatchObject({
      mode: 'insertion', order: 'most-first', steps: 3, axis: 'area',
      unit: { kind: 'region', aggregate: 'mean' }, substrate: { kind: 'black', mean: [0.5], std: [0.5] },
    });
  });

  it('insertion adds regions 1, 2, 0 to the black image', async () => {
    const c = await limaInsertion(RAMP_4X4, saliency, regions, normalisation, linearScorer());
    // −16 → +14 + 4 → 2 → +46 + 4 → 52 → +76 + 8 → 136
    expect(c.fractions).toEqual([0, 0.25, 0.5, 1]);
    expect(c.scores).toEqual([-16, 2, 52, 136]);
    expect(c.auc).toBeCloseTo(0.25 * (-16 + 2) / 2 + 0.25 * (2 + 52) / 2 + 0.5 * (52 + 136) / 2, 12); // 52
    expect(c.forwardPasses).toBe(4);
  });

  it('deletion removes regions 1, 2, 0 from the image', async () => {
    const c = await limaDeletion(RAMP_4X4, saliency, regions, normalisation, linearScorer());
    expect(c.fractions).toEqual([0, 0.25, 0.5, 1]);
    expect(c.scores).toEqual([136, 118, 68, -16]);
    expect(c.auc).toBeCloseTo(68, 12);
  });
});
