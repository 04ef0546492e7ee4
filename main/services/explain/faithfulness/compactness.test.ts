import { describe, expect, it } from 'vitest';
import { compactness } from './compactness';
import { expectVerdict } from './test-fixtures';

describe('compactness', () => {
  it('is the share of |values| ≤ 5% of the largest |value|, signs ignored', () => {
    // max |v| = 10, limit 0.5: −0.5, 0.4, 0, 0.5 are small; 10, −10, 1, 0.6 are not
    expect(compactness([10, -0.5, 0.4, 0, -10, 1, 0.6, 0.5])).toBe(0.5);
    expect(compactness([10, -0.5, 0.4, 0, -10, 1, 0.6, 0.5], 0.1)).toBe(0.75);
    expect(compactness(new Float32Array(5))).toBe(1);
  });

  it('refuses an empty or non-finite map', () => {
    expectVerdict(() => compactness([]), 'explain.bad-params', 'saliency');
    expectVerdict(() => compactness([1, NaN]), 'explain.bad-params', 'saliency');
  });
});
