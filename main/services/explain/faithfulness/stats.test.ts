import { describe, expect, it } from 'vitest';
import { pearson, trapezoid } from './stats';

describe('trapezoid', () => {
  it('integrates over uneven x', () => {
    expect(trapezoid([0, 0.5, 1], [0, 1, 0])).toBe(0.5);
    expect(trapezoid([0, 0.1, 1], [1, 1, 0])).toBeCloseTo(0.1 + 0.45, 15);
    expect(trapezoid([0], [3])).toBe(0);
  });
});

describe('pearson', () => {
  it('gives hand-computed correlations and NaN for a constant sample', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 15);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 15);
    expect(pearson([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 15); // Σdd = 4, Σda² = Σdb² = 5
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(pearson([1], [2])).toBeNaN();
  });
});
