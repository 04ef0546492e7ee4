import { describe, expect, it } from 'vitest';
import { distributionRows, groupLabels, ratingRows } from './rating-rows';
import { SAMPLE } from './sample-results';

const [useful, malignant] = SAMPLE.ratings;

describe('rating rows', () => {
  it('names conditions by method and target, and puts each sanity group right after its real one', () => {
    expect(ratingRows(useful).map((r) => [r.label, r.sanity])).toEqual([
      ['CDAM / MEL', false],
      ['CDAM / MEL (sanity check)', true],
      ['Attention', false],
    ]);
  });
  it('carries mean, interval and n; no interval below two ratings', () => {
    // The readers-and-cases interval where the design gives one, else the ratings' own.
    expect(ratingRows(useful)[0]).toMatchObject({ n: 4, mean: 4, lo: 2.5, hi: 5, design: true });
    expect(ratingRows(useful)[2]).toMatchObject({ n: 4, mean: 3, lo: 1.7, hi: 4.3, design: false });
    expect(ratingRows(malignant)).toEqual([
      { label: 'Unaided', sanity: false, n: 1, mean: 3, lo: null, hi: null, design: false },
      { label: 'AI', sanity: false, n: 4, mean: 3.5, lo: 2, hi: 5, design: false },
    ]);
  });
  it('tells apart two conditions with one method and target, and names phases when there are several', () => {
    const twoModels = {
      ...useful,
      groups: [
        { ...useful.groups[2], conditionId: 'cdam-a' },
        { ...useful.groups[2], conditionId: 'cdam-b' },
        { ...useful.groups[1], phase: 'ai' as const },
      ],
    };
    expect(groupLabels(twoModels)).toEqual([
      'AI · Attention',
      'AI + explanation · CDAM / MEL (cdam-a)',
      'AI + explanation · CDAM / MEL (cdam-b)',
    ]);
  });
  it('lists every scale point of every group with its share', () => {
    const rows = distributionRows(useful);
    expect(rows).toHaveLength(15);
    expect(rows.filter((r) => r.label === 'CDAM / MEL').map((r) => r.count)).toEqual([0, 0, 1, 2, 1]);
    expect(rows.find((r) => r.label === 'CDAM / MEL' && r.value === 4)!.share).toBe(0.5);
  });
});
