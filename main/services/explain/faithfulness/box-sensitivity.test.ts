import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../../app/mulberry32';
import { BOX_SENSITIVITY, areaOverSizes, boxSensitivity, boxSides } from './box-sensitivity';
import { pearson } from './stats';
import { MAP_4X4, RAMP_4X4, expectVerdictAsync, linearScorer } from './test-fixtures';
import type { ModelImage } from './types';

/** A side×side toy: random values in [−1, 1), random weights, and the exact contributions w·x. */
function toy(seed: number, side = 32) {
  const u = mulberry32(seed);
  const n = side * side;
  const image: ModelImage = { data: Float32Array.from({ length: n }, () => 2 * u() - 1), channels: 1, height: side, width: side };
  const weights = Float64Array.from({ length: n }, () => 2 * u() - 1);
  const contribution = Float32Array.from(image.data, (v, i) => v * weights[i]);
  return { image, weights, contribution };
}

describe('box sensitivity', () => {
  it('places seeded boxes and correlates the map inside them with the output drop', async () => {
    const r = await boxSensitivity(RAMP_4X4, MAP_4X4, linearScorer(), { sides: [0.5], samples: 3, seed: 5, substrate: { kind: 'zero' } });
    // the documented draw: x = floor(u·(W − s + 1)), then y, from mulberry32(5); s = 2
    const u = mulberry32(5);
    const relevance: number[] = [];
    const drop: number[] = [];
    for (let i = 0; i < 3; i++) {
      const x = Math.floor(u() * 3);
      const y = Math.floor(u() * 3);
      const px = [y * 4 + x, y * 4 + x + 1, (y + 1) * 4 + x, (y + 1) * 4 + x + 1];
      relevance.push(px.reduce((s, p) => s + MAP_4X4[p], 0));
      drop.push(px.reduce((s, p) => s + p + 1, 0)); // zeroing a box of RAMP_4X4 drops Σ its values
    }
    expect(r.sizes).toHaveLength(1);
    expect(r.sizes[0].side).toBe(2);
    expect(r.sizes[0].relevance).toEqual(relevance);
    expect(r.sizes[0].outputChange).toEqual(drop);
    expect(r.sizes[0].correlation).toBe(pearson(relevance, drop));
    expect(r.area).toBe(r.sizes[0].correlation); // one size: the area is its r
    expect(r.forwardPasses).toBe(4);
  });

  it('uses 8 sides from 1/16 to 1/2 of the shorter side and 100 boxes each by default', () => {
    expect(BOX_SENSITIVITY.samples).toBe(100);
    expect(boxSides(BOX_SENSITIVITY.sides, 224, 224)).toEqual([14, 28, 42, 56, 70, 84, 98, 112]);
    expect(boxSides(BOX_SENSITIVITY.sides, 64, 64)).toEqual([4, 8, 12, 16, 20, 24, 28, 32]);
    expect(boxSides([0.01], 32, 48)).toEqual([1]);
  });

  it('takes the area under f_box(s) over the sizes, not the mean of r (worked by hand)', () => {
    // sides 4, 8, 16 → x = 0, 1/3, 1; r = 0.9, 0.6, 0.3:
    // area = (1/3)(0.9 + 0.6)/2 + (2/3)(0.6 + 0.3)/2 = 0.25 + 0.3 = 0.55; the mean of r is 0.6.
    expect(areaOverSizes([4, 8, 16], [0.9, 0.6, 0.3])).toBeCloseTo(0.55, 12);
    expect(areaOverSizes([4, 8, 12], [0.9, 0.6, 0.3])).toBeCloseTo(0.6, 12); // evenly spaced: the two agree
    expect(areaOverSizes([5], [0.4])).toBe(0.4);
    expect(areaOverSizes([4, 8], [0.5, NaN])).toBeNaN();
  });

  it('runs over the sizes: per-size r from the boxes, the area from those r', async () => {
    const { image, weights, contribution } = toy(5);
    const noisy = Float32Array.from(contribution, (v, i) => v + 0.6 * Math.sin(i * 12.9898)); // a map that is partly right
    const r = await boxSensitivity(image, noisy, linearScorer(weights), {
      sides: [1 / 8, 1 / 4, 1 / 2],
      samples: 40,
      substrate: { kind: 'zero' },
    });
    expect(r.sizes.map((s) => s.side)).toEqual([4, 8, 16]);
    for (const s of r.sizes) expect(s.correlation).toBe(pearson(s.relevance, s.outputChange));
    const [a, b, c] = r.sizes.map((s) => s.correlation);
    expect(r.area).toBeCloseTo(((1 / 3) * (a + b)) / 2 + ((2 / 3) * (b + c)) / 2, 12);
    expect(r.area).not.toBeCloseTo((a + b + c) / 3, 6);
    expect(r.forwardPasses).toBe(121);
    await expectVerdictAsync(boxSensitivity(image, noisy, linearScorer(weights), { sides: [1 / 2, 1 / 4] }), 'explain.bad-params', 'sides');
  });

  it('gives correlation 1 when the map is the true contribution of each pixel', async () => {
    const { image, weights, contribution } = toy(11);
    const r = await boxSensitivity(image, contribution, linearScorer(weights), { substrate: { kind: 'zero' } });
    expect(r.sizes.map((s) => s.side)).toEqual([2, 4, 6, 8, 10, 12, 14, 16]);
    for (const s of r.sizes) expect(Math.abs(s.correlation - 1)).toBeLessThan(1e-9);
    expect(Math.abs(r.area - 1)).toBeLessThan(1e-9);
    expect(r.forwardPasses).toBe(801);
  });

  it('gives a correlation near 0 for the same map shuffled', async () => {
    // Overlapping boxes leave few independent samples: on 64×64 with 4 and 8 px boxes and 300 of
    // each, shuffled maps over 20 seeds gave r with sd 0.07 and 0.10, so |r| < 0.3 is ≈ 3 sd.
    const { image, weights, contribution } = toy(11, 64);
    const u = mulberry32(99);
    const shuffled = Float32Array.from(contribution);
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(u() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    const opts = { sides: [1 / 16, 1 / 8], samples: 300, substrate: { kind: 'zero' } as const };
    const r = await boxSensitivity(image, shuffled, linearScorer(weights), opts);
    expect(r.sizes.map((s) => s.side)).toEqual([4, 8]);
    for (const s of r.sizes) expect(Math.abs(s.correlation)).toBeLessThan(0.3);
    const truth = await boxSensitivity(image, contribution, linearScorer(weights), opts);
    for (const s of truth.sizes) expect(Math.abs(s.correlation - 1)).toBeLessThan(1e-9);
  });

  it('is reproducible from its seed and differs for another', async () => {
    const { image, weights, contribution } = toy(3);
    const opts = { sides: [0.25], samples: 10, substrate: { kind: 'zero' } as const };
    const a = await boxSensitivity(image, contribution, linearScorer(weights), { ...opts, seed: 1 });
    const b = await boxSensitivity(image, contribution, linearScorer(weights), { ...opts, seed: 1 });
    const c = await boxSensitivity(image, contribution, linearScorer(weights), { ...opts, seed: 2 });
    expect(b.sizes[0].relevance).toEqual(a.sizes[0].relevance);
    expect(c.sizes[0].relevance).not.toEqual(a.sizes[0].relevance);
  });

  it('names bad parameters and can be cancelled', async () => {
    await expectVerdictAsync(boxSensitivity(RAMP_4X4, MAP_4X4, linearScorer(), { sides: [1.5] }), 'explain.bad-params', 'sides');
    await expectVerdictAsync(boxSensitivity(RAMP_4X4, MAP_4X4, linearScorer(), { samples: 1 }), 'explain.bad-params', 'samples');
    const ac = new AbortController();
    ac.abort();
    await expectVerdictAsync(boxSensitivity(RAMP_4X4, MAP_4X4, linearScorer(), { signal: ac.signal }), 'explain.cancelled');
  });
});
