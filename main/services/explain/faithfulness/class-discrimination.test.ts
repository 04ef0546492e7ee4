// The own map is the true drop d_i = w_i·(x_i − b_i) of each pixel under the σ = 1 blur (b from
// scipy.ndimage.gaussian_filter, as in cdam-fidelity.test.ts); the wrong target's map is −d.
// Expected values from the hand rule (4 pixels a step, ties by index) evaluated in numpy.
import { describe, expect, it } from 'vitest';
import { classDiscrimination } from './class-discrimination';
import { RAMP_4X4, WEIGHTS_4X4, expectVerdictAsync, linearScorer } from './test-fixtures';

const d = Float32Array.from([
  4.26218218, 1.76774455, -0, -1.27865465, -1.35540987, 0.62871679, 0.18861504, 0, -0.1747315, 0.37723007, -0.62871679, -0.67770493, 0,
  1.64200119, 3.5354891, -4.26218218,
]);
const minusD = Float32Array.from(d, (v) => -v);

describe('class discrimination', () => {
  it('is fidelity(own map) − fidelity(wrong map), both on the explained target', async () => {
    const r = await classDiscrimination(RAMP_4X4, d, minusD, linearScorer(WEIGHTS_4X4), { steps: 4, sigma: 1 });
    expect(r.own).toBeCloseTo(14.58552905, 4);
    expect(r.other).toBeCloseTo(-14.58552905, 4);
    expect(r.delta).toBeCloseTo(29.1710581, 4);
    expect(r.forwardPasses).toBe(20);
  });

  it('can use the deletion AUC instead (negative ΔA is good there)', async () => {
    const r = await classDiscrimination(RAMP_4X4, d, minusD, linearScorer(WEIGHTS_4X4), { steps: 4, sigma: 1, measure: 'deletion-auc' });
    expect(r.own).toBeCloseTo(-11.30505402, 4);
    expect(r.other).toBeCloseTo(3.28047502, 4);
    expect(r.delta).toBeCloseTo(-14.58552905, 4);
    expect(r.forwardPasses).toBe(10);
  });

  it('is 0 for a class-blind method (the same map for both targets)', async () => {
    const r = await classDiscrimination(RAMP_4X4, d, d, linearScorer(WEIGHTS_4X4), { steps: 4, sigma: 1 });
    expect(r.delta).toBe(0);
  });

  it('refuses an unknown measure', async () => {
    await expectVerdictAsync(
      classDiscrimination(RAMP_4X4, d, d, linearScorer(), { measure: 'x' as 'fidelity' }),
      'explain.bad-params',
      'measure',
    );
  });
});
