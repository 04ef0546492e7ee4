// Known answers for ICC(2,1) and ICC(2,k): Shrout & Fleiss's (1979) example and its intervals.
import { describe, expect, it } from 'vitest';
import { VerdictError } from '../../../../app/errors';
import { completeRows, icc2 } from './icc';

// Shrout & Fleiss, Psychological Bulletin 86(2):420–428 (1979), Table 2: 6 targets × 4 judges.
const SHROUT_FLEISS_TABLE_2 = [
  [9, 2, 5, 8],
  [6, 1, 3, 2],
  [8, 4, 6, 8],
  [7, 1, 2, 6],
  [10, 5, 6, 9],
  [6, 2, 4, 7],
];

describe('icc2', () => {
  const r = icc2(SHROUT_FLEISS_TABLE_2);

  it('mean squares: their Table 3 prints BMS = 11.24, JMS = 32.49, EMS = 1.02', () => {
    // By hand (in 24ths, as every mean here is): grand mean 127/24; target means 6, 3, 6.5, 4, 7.5,
    // 4.75 give SS 1349/24 on 5 df; judge means 23/3, 2.5, 13/3, 20/3 give SS 2339/24 on 3 df;
    // the total SS is 4055/24, leaving a residual SS of 367/24 on 15 df.
    expect(r).toMatchObject({ n: 6, k: 4 });
    expect(r.msr).toBeCloseTo(1349 / 24 / 5, 10);
    expect(r.msc).toBeCloseTo(2339 / 24 / 3, 10);
    expect(r.mse).toBeCloseTo(367 / 24 / 15, 10);
    expect(r.msr).toBeCloseTo(11.24, 2);
    expect(r.msc).toBeCloseTo(32.49, 2);
    expect(r.mse).toBeCloseTo(1.02, 2);
  });

  it('ICC(2,1) = .29 and ICC(2,k) = .62 as published', () => {
    expect(r.single.value).toBeCloseTo(0.29, 2);
    expect(r.average.value).toBeCloseTo(0.62, 2);
    // From the exact mean squares: (MSR − MSE)/(MSR + 3·MSE + 4(MSC − MSE)/6) and (MSR − MSE)/(MSR + (MSC − MSE)/6).
    expect(r.single.value).toBeCloseTo(0.2897638, 7);
    expect(r.average.value).toBeCloseTo(0.6200505, 7);
  });

  it('McGraw & Wong (1996) 95% intervals: R psych::ICC prints ICC2 [0.019, 0.76] and ICC2k [0.071, 0.93]', () => {
    // Satterthwaite df v = 4.785144; F(0.975; 5, v) = 7.498628 and F(0.975; v, 5) = 7.190737
    // (scipy.stats.f.ppf, an independent implementation).
    expect(r.single.ci![0]).toBeCloseTo(0.019, 3);
    expect(r.single.ci![1]).toBeCloseTo(0.76, 2);
    expect(r.average.ci![0]).toBeCloseTo(0.071, 3);
    expect(r.average.ci![1]).toBeCloseTo(0.93, 2);
    expect(r.single.ci![0]).toBeCloseTo(0.0187865, 6);
    expect(r.single.ci![1]).toBeCloseTo(0.7610844, 6);
    expect(r.average.ci![0]).toBeCloseTo(0.0711368, 6);
    expect(r.average.ci![1]).toBeCloseTo(0.927232, 6);
  });

  it('the average-measures bounds are the Spearman–Brown step-up of the single-measure bounds', () => {
    const up = (x: number) => (4 * x) / (1 + 3 * x);
    expect(r.average.value).toBeCloseTo(up(r.single.value), 12);
    expect(r.average.ci![0]).toBeCloseTo(up(r.single.ci![0]), 12);
    expect(r.average.ci![1]).toBeCloseTo(up(r.single.ci![1]), 12);
  });

  it('raters in exact agreement give ICC 1 with no interval (its degrees of freedom are undefined)', () => {
    expect(
      icc2([
        [1, 1],
        [3, 3],
        [2, 2],
      ]),
    ).toMatchObject({ single: { value: 1, ci: null }, average: { value: 1, ci: null } });
  });

  it('ratings with no variation at all leave the ICC undefined: NaN, no interval', () => {
    const flat = icc2([
      [2, 2, 2],
      [2, 2, 2],
    ]);
    expect(flat.single.value).toBeNaN();
    expect(flat.average.value).toBeNaN();
    expect([flat.single.ci, flat.average.ci]).toEqual([null, null]);
  });

  it('rejects ragged or missing ratings naming the row, and fewer than 2 targets or raters', () => {
    expect(() => icc2([[1, 2], [3], [4, 5]])).toThrow(expect.objectContaining({ code: 'api.invalid-args', detail: { row: 1 } }));
    expect(() =>
      icc2([
        [1, 2],
        [3, 4],
        [NaN, 5],
      ]),
    ).toThrow(/Row 2/);
    expect(() => icc2([[1, 2]])).toThrow(VerdictError);
    expect(() => icc2([[1], [2]])).toThrow(VerdictError);
  });
});

describe('completeRows', () => {
  it('keeps the targets every rater scored and reports the dropped rows', () => {
    expect(
      completeRows([
        [1, 2],
        [null, 3],
        [4, 5],
        [6, null],
      ]),
    ).toEqual({
      rows: [
        [1, 2],
        [4, 5],
      ],
      droppedRows: [1, 3],
    });
  });
});
