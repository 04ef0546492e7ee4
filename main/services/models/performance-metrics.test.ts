// Known answers: scikit-learn's roc_auc_score documentation example (0.75), ties (0.5), and
// hand-computed recalls; the same answers models/training/metrics.py gives.
import { describe, expect, it } from 'vitest';
import { balancedAccuracy, macroAuc, meanAbsoluteError, perClassRecall, rocAuc } from './performance-metrics';

describe('performance metrics', () => {
  it('ROC AUC as the Mann–Whitney statistic, ties counting half', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBeCloseTo(0.75, 12);
    expect(rocAuc([1, 1, 0, 0], [true, false, true, false])).toBeCloseTo(0.5, 12);
    expect(rocAuc([0.9, 0.8, 0.1], [true, true, false])).toBe(1);
    expect(rocAuc([1, 2], [true, true])).toBeNaN();
  });

  it('per-class recall and balanced accuracy', () => {
    expect(perClassRecall([0, 1, 1, 2], [0, 1, 2, 2], 3)).toEqual([1, 1, 0.5]);
    expect(balancedAccuracy([0, 1, 1, 2], [0, 1, 2, 2], 3)).toBeCloseTo(5 / 6, 12);
    // A class absent from the truth does not count.
    expect(balancedAccuracy([0, 0], [0, 0], 3)).toBe(1);
  });

  it('macro AUC over one-vs-rest columns', () => {
    const probs = [0.8, 0.2, 0.3, 0.7, 0.6, 0.4, 0.1, 0.9];
    expect(macroAuc(probs, [0, 1, 0, 1], 2)).toBe(1);
  });

  it('mean absolute error', () => {
    expect(meanAbsoluteError([1, 2, 3], [2, 2, 5])).toBeCloseTo(1, 12);
  });
});
