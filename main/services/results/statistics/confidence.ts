// Confidence intervals for a mean and for a proportion. Quantiles come from stdlib's maintained
// distribution packages rather than a hand-written approximation, so the intervals match R's.
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { checkLevel, invalidInput } from './invalid-input';

export type MeanCI = { n: number; mean: number | null; sd: number | null; ci: [number, number] | null };

export type ProportionCI = { n: number; successes: number; proportion: number | null; ci: [number, number] | null };

/**
 * Mean with a two-sided Student-t interval: mean ± t(1 − α/2, n − 1) · s / √n, where s is the
 * sample standard deviation (divisor n − 1). Student, "The probable error of a mean",
 * Biometrika 6(1):1–25 (1908). An empty sample has no mean (all null); one value has a mean but
 * no spread, so sd and ci are null.
 */
export const meanCI = (values: number[], level = 0.95): MeanCI => {
  checkLevel(level);
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw invalidInput(`Value ${i} is not a finite number.`, { index: i });
  });
  const n = values.length;
  if (n === 0) return { n, mean: null, sd: null, ci: null };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n < 2) return { n, mean, sd: null, ci: null };
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const half = tQuantile(1 - (1 - level) / 2, n - 1) * (sd / Math.sqrt(n));
  return { n, mean, sd, ci: [mean - half, mean + half] };
};

/**
 * Proportion with the Wilson score interval: Wilson, "Probable inference, the law of succession,
 * and statistical inference", JASA 22(158):209–212 (1927); method 3 of Newcombe, "Two-sided
 * confidence intervals for the single proportion: comparison of seven methods", Statistics in
 * Medicine 17(8):857–872 (1998). Unlike the Wald interval it stays inside [0, 1] and does not
 * collapse to a point at 0 or n successes. n = 0 has no estimate (proportion and ci null).
 */
export const proportionCI = (successes: number, n: number, level = 0.95): ProportionCI => {
  checkLevel(level);
  if (!Number.isInteger(n) || n < 0) throw invalidInput(`n must be a whole number ≥ 0, got ${n}.`, { n });
  if (!Number.isInteger(successes) || successes < 0 || successes > n)
    throw invalidInput(`successes must be a whole number from 0 to n (${n}), got ${successes}.`, { successes, n });
  if (n === 0) return { n, successes, proportion: null, ci: null };
  const p = successes / n;
  const z = normalQuantile(1 - (1 - level) / 2, 0, 1);
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  // At 0 or n successes a bound is exactly 0 or 1 in theory; clamp away rounding error there.
  return { n, successes, proportion: p, ci: [Math.max(0, centre - half), Math.min(1, centre + half)] };
};
