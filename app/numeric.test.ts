import { describe, expect, it } from 'vitest';
import { median, softmax } from './numeric';

describe('median', () => {
  it('is the middle value, the mean of the middle two for an even count, NaN for none; the input is not reordered', () => {
    const xs = [5, 1, 3];
    expect(median(xs)).toBe(3);
    expect(xs).toEqual([5, 1, 3]);
    expect(median([4, 1, 2, 10])).toBe(3);
    expect(median([2.5])).toBe(2.5);
    expect(median([])).toBeNaN();
    // Numeric order, not the default string sort (which puts 10 before 9).
    expect(median([10, 9, 1])).toBe(9);
  });
});

describe('softmax', () => {
  it('known answers, and no overflow on large logits', () => {
    expect(softmax([0, 0])).toEqual([0.5, 0.5]);
    const p = softmax([Math.log(1), Math.log(3)]);
    expect(p[0]).toBeCloseTo(0.25, 12);
    expect(softmax([1000, 1000, 1000]).every((v) => Math.abs(v - 1 / 3) < 1e-12)).toBe(true);
  });
});
