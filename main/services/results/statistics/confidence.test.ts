// Known answers for the t interval of a mean and the Wilson interval of a proportion.
import { describe, expect, it } from 'vitest';
import { VerdictError } from '../../../../app/errors';
import { meanCI, proportionCI } from './confidence';

describe('meanCI (Student t)', () => {
  it('1…5: mean 3, sd √2.5, and 3 ± t(0.975, 4)·√2.5/√5 with t(0.975, 4) = 2.776445 from tables', () => {
    const r = meanCI([1, 2, 3, 4, 5]);
    expect(r.n).toBe(5);
    expect(r.mean).toBe(3);
    expect(r.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    const half = 2.776445 * Math.sqrt(2.5 / 5);
    expect(r.ci![0]).toBeCloseTo(3 - half, 6);
    expect(r.ci![1]).toBeCloseTo(3 + half, 6);
  });

  it("Student's sleep data (Cushny & Peebles; R's `sleep`): paired differences, mean 1.58, 95% CI 0.7001142–2.4598858", () => {
    // Extra hours of sleep, drug 2 minus drug 1, for the 10 patients. R: t.test(extra ~ group, data = sleep,
    // paired = TRUE) prints the interval -2.4598858 -0.7001142 for drug 1 minus drug 2, t(0.975, 9) = 2.262157.
    const differences = [1.2, 2.4, 1.3, 1.3, 0.0, 1.0, 1.8, 0.8, 4.6, 1.4];
    const r = meanCI(differences);
    expect(r.mean).toBeCloseTo(1.58, 12);
    expect(r.sd).toBeCloseTo(1.229995, 6);
    expect(r.ci![0]).toBeCloseTo(0.7001142, 7);
    expect(r.ci![1]).toBeCloseTo(2.4598858, 7);
  });

  it('a 90% interval is narrower: t(0.95, 4) = 2.131847', () => {
    const r = meanCI([1, 2, 3, 4, 5], 0.9);
    expect(r.ci![1] - 3).toBeCloseTo(2.131847 * Math.sqrt(0.5), 6);
  });

  it('one value has a mean but no sd or interval; no values have nothing', () => {
    expect(meanCI([7])).toEqual({ n: 1, mean: 7, sd: null, ci: null });
    expect(meanCI([])).toEqual({ n: 0, mean: null, sd: null, ci: null });
  });

  it('rejects a non-finite value and a level outside (0, 1)', () => {
    expect(() => meanCI([1, NaN])).toThrow(VerdictError);
    expect(() => meanCI([1, 2], 1)).toThrow(/level/);
  });
});

describe('proportionCI (Wilson score)', () => {
  // Newcombe, Statistics in Medicine 17:857–872 (1998): the paper's four illustrative samples,
  // method 3 (score interval without continuity correction), 95%, limits as printed to 4 decimals.
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i/%i → %f–%f (Newcombe 1998)', (x, n, low, high) => {
    const r = proportionCI(x, n);
    expect(r.proportion).toBeCloseTo(x / n, 12);
    expect(r.ci![0]).toBeCloseTo(low, 4);
    expect(r.ci![1]).toBeCloseTo(high, 4);
  });

  it('is symmetric: n − x successes mirror x, and 0 successes start exactly at 0', () => {
    const a = proportionCI(3, 17).ci!;
    const b = proportionCI(14, 17).ci!;
    expect(a[0]).toBeCloseTo(1 - b[1], 12);
    expect(a[1]).toBeCloseTo(1 - b[0], 12);
    expect(proportionCI(0, 20).ci![0]).toBe(0);
    expect(proportionCI(20, 20).ci![1]).toBe(1);
  });

  it('n = 0 has no estimate; impossible counts are rejected', () => {
    expect(proportionCI(0, 0)).toEqual({ n: 0, successes: 0, proportion: null, ci: null });
    expect(() => proportionCI(5, 4)).toThrow(VerdictError);
    expect(() => proportionCI(1.5, 4)).toThrow(VerdictError);
  });
});
