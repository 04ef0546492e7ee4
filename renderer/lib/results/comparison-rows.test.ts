import { describe, expect, it } from 'vitest';
import { comparisonSummary, comparisonTitle, differenceRows, differencesPlot, pValue } from './comparison-rows';
import { SAMPLE } from './sample-results';

const [useful, malignant] = SAMPLE.comparisons;

describe('comparison rows', () => {
  it('names each difference by its levels, later first, with the interval and whether it leaves out 0', () => {
    expect(differenceRows(useful)).toEqual([
      { label: 'Attention − CDAM / MEL', estimate: -1, lo: -2.12, hi: 0.12, p: 0.075, df: 9.5, clear: false },
    ]);
    const clear = { ...useful, differences: [{ ...useful.differences[0], ci: [-2, -0.5] as [number, number] }] };
    expect(differenceRows(clear)[0].clear).toBe(true);
  });
  it('titles and summarises in words; p-values rounded, tiny ones bounded', () => {
    expect(comparisonTitle(useful)).toBe('mean rating: conditions (AI + explanation)');
    expect(comparisonTitle(malignant)).toBe('ROC area (empirical): phases');
    expect(comparisonSummary(useful)).toBe('2 readers × 4 cases, readers and cases random');
    expect([pValue(0.0312), pValue(0.0002), pValue(null)]).toEqual(['p = 0.031', 'p < 0.001', 'p —']);
  });
  it('plots symmetric about no difference, within the figure’s range', () => {
    const spec = differencesPlot(useful, differenceRows(useful));
    const [lo, hi] = spec.x!.domain as [number, number];
    expect(lo).toBe(-hi);
    expect(hi).toBeGreaterThanOrEqual(2.12);
    expect(hi).toBeLessThanOrEqual(4);
  });
});
