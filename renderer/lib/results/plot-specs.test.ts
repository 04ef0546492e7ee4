import { describe, expect, it } from 'vitest';
import { accuracyByQuestion } from './accuracy-rows';
import { RATING_COLOURS } from './palette';
import { accuracyPlot, labelMargin, ratingDistributionPlot, tickStep, ratingMeansPlot, scalePoints, timingPlot } from './plot-specs';
import { distributionRows, ratingRows } from './rating-rows';
import { SAMPLE } from './sample-results';
import { timingRows } from './timing-rows';

type MarkLike = { ariaLabel?: string; className?: string; data?: unknown[] };
const marks = (o: { marks?: unknown[] }) => (o.marks ?? []) as MarkLike[];
const byClass = (o: { marks?: unknown[] }, c: string) => marks(o).find((m) => m.className === c);

describe('plot specs', () => {
  const useful = SAMPLE.ratings[0];

  it('plots one mean per group on the whole scale, intervals only where there are some', () => {
    const rows = ratingRows(SAMPLE.ratings[1]);
    const o = ratingMeansPlot(rows, { min: 1, max: 5 }, 500);
    expect(o.width).toBe(500);
    expect(o.x).toMatchObject({ domain: [1, 5] });
    expect(o.y).toMatchObject({ domain: ['Unaided', 'AI'] });
    expect(byClass(o, 'rating-mean')!.data).toHaveLength(2);
    expect(byClass(o, 'rating-ci')!.data).toHaveLength(1);
  });

  it('grows with the number of groups and the length of their names', () => {
    const o = ratingMeansPlot(ratingRows(useful), useful.scale);
    expect(o.height).toBeGreaterThan(ratingMeansPlot(ratingRows(SAMPLE.ratings[1]), useful.scale).height!);
    expect(labelMargin(['CDAM / MEL (sanity check)'])).toBeGreaterThan(labelMargin(['AI']));
    expect(labelMargin(['x'.repeat(500)])).toBe(300);
  });

  it('draws counts per scale point in one panel per group', () => {
    const o = ratingDistributionPlot(distributionRows(useful), useful.scale);
    expect(o.fy).toMatchObject({ domain: ['CDAM / MEL', 'CDAM / MEL (sanity check)', 'Attention'] });
    expect(o.x).toMatchObject({ domain: [1, 2, 3, 4, 5] });
    expect(byClass(o, 'rating-bars')!.data).toHaveLength(15);
  });

  it('labels only about ten points of a long numeric scale', () => {
    const o = ratingDistributionPlot([], { min: 0, max: 100 });
    const format = (o.x as { tickFormat: (v: number) => string }).tickFormat;
    expect([0, 5, 10, 11, 20, 100].map(format)).toEqual(['0', '', '10', '', '20', '100']);
    expect([4, 12, 25, 101].map(tickStep)).toEqual([1, 2, 5, 20]);
  });

  it('keeps values between whole points of a numeric scale', () => {
    expect(scalePoints([{ value: 2 }], { min: 1, max: 4 })).toEqual([1, 2, 3, 4]);
    expect(scalePoints([{ value: 2.5 }, { value: 0 }, { value: 2.5 }], { min: 0, max: 10 })).toEqual([0, 2.5]);
  });

  it('colours real and sanity-check ratings with the colour-blind-safe pair', () => {
    expect(RATING_COLOURS).toEqual({ real: '#0072B2', sanity: '#D55E00' });
  });

  it('plots accuracy per reader panel and phase on 0–100%', () => {
    const [q] = accuracyByQuestion(SAMPLE.accuracy);
    const o = accuracyPlot(q);
    expect(o.x).toMatchObject({ domain: [0, 1] });
    expect(o.fy).toMatchObject({ domain: ['All readers', 'Dr Ben', 'Dr Ada'] });
    expect(byClass(o, 'accuracy-mean')!.data).toHaveLength(4);
  });

  it('plots the all-readers timings only', () => {
    const o = timingPlot(timingRows(SAMPLE.timing));
    expect(o.y).toMatchObject({ domain: ['Unaided · case reading', 'AI + explanation · one explanation'] });
    expect((o.x as { domain: number[] }).domain[1]).toBeGreaterThanOrEqual(9.6);
  });
});
