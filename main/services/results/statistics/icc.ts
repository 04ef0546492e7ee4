// Intraclass correlation for absolute agreement when the raters are a sample of possible raters
// (two-way random effects): how far one rater's score, or the mean of k raters, can be trusted.
import fQuantile from '@stdlib/stats-base-dists-f-quantile';
import { checkLevel, invalidInput } from './invalid-input';

export type IccEstimate = {
  /** NaN where the ICC is undefined: ratings that vary neither between targets nor raters (0/0). */
  value: number;
  /** null where the interval is undefined, e.g. when the raters agree exactly (ICC = 1). */
  ci: [number, number] | null;
};

export type Icc2 = {
  /** ICC(2,1): the reliability of a single rater's score. */
  single: IccEstimate;
  /** ICC(2,k): the reliability of the mean of the k raters' scores. */
  average: IccEstimate;
  /** Targets (rows) and raters (columns). */
  n: number;
  k: number;
  /** Mean squares of the two-way ANOVA without replication: targets (rows), raters (columns), residual. */
  msr: number;
  msc: number;
  mse: number;
};

/**
 * ICC(2,1) and ICC(2,k) of a targets × raters matrix (complete data): Shrout & Fleiss,
 * "Intraclass correlations: uses in assessing rater reliability", Psychological Bulletin
 * 86(2):420–428 (1979); McGraw & Wong's ICC(A,1) and ICC(A,k):
 *   ICC(2,1) = (MSR − MSE) / (MSR + (k − 1)MSE + k(MSC − MSE)/n),  ICC(2,k) = (MSR − MSE) / (MSR + (MSC − MSE)/n).
 * Intervals: McGraw & Wong, "Forming inferences about some intraclass correlation coefficients",
 * Psychological Methods 1(1):30–46 (1996), Table 7 case 2A, with Satterthwaite's degrees of freedom
 * v for the denominator (the same as Shrout & Fleiss's eq. for ICC(2,1)).
 */
export const icc2 = (matrix: number[][], level = 0.95): Icc2 => {
  checkLevel(level);
  const n = matrix.length;
  const k = matrix[0]?.length ?? 0;
  if (n < 2 || k < 2) throw invalidInput(`ICC needs at least 2 targets and 2 raters, got ${n} × ${k}.`);
  matrix.forEach((row, i) => {
    if (row.length !== k) throw invalidInput(`Row ${i} has ${row.length} ratings, row 0 has ${k}: ICC needs complete data.`, { row: i });
    if (row.some((x) => typeof x !== 'number' || !Number.isFinite(x)))
      throw invalidInput(`Row ${i} has a missing or non-numeric rating.`, { row: i });
  });

  const { msr, msc, mse } = meanSquares(matrix);
  // A study can well produce an item everyone scored the same: that is no reason to throw, so an
  // undefined ICC is NaN (with no interval) for the caller to test with Number.isFinite.
  const single = ratio(msr - mse, msr + (k - 1) * mse + (k * (msc - mse)) / n);
  const average = ratio(msr - mse, msr + (msc - mse) / n);

  // McGraw & Wong (1996), Table 7, case 2A.
  const a = (k * single) / (n * (1 - single));
  const b = 1 + (k * single * (n - 1)) / (n * (1 - single));
  const v = (a * msc + b * mse) ** 2 / ((a * msc) ** 2 / (k - 1) + (b * mse) ** 2 / ((n - 1) * (k - 1)));
  const p = 1 - (1 - level) / 2;
  const fLow = fQuantile(p, n - 1, v); // F*: for the lower bound
  const fHigh = fQuantile(p, v, n - 1); // F_*: for the upper bound
  const c = k * msc + (k * n - k - n) * mse;
  const singleCi = interval((n * (msr - fLow * mse)) / (fLow * c + n * msr), (n * (fHigh * msr - mse)) / (c + n * fHigh * msr));
  const averageCi = interval(
    (n * (msr - fLow * mse)) / (fLow * (msc - mse) + n * msr),
    (n * (fHigh * msr - mse)) / (msc - mse + n * fHigh * msr),
  );
  return { single: { value: single, ci: singleCi }, average: { value: average, ci: averageCi }, n, k, msr, msc, mse };
};

const ratio = (numerator: number, denominator: number): number => (denominator > 0 ? numerator / denominator : NaN);

const interval = (low: number, high: number): [number, number] | null =>
  Number.isFinite(low) && Number.isFinite(high) ? [low, high] : null;

/** Mean squares of the two-way ANOVA without replication (Shrout & Fleiss 1979). */
const meanSquares = (x: number[][]): { msr: number; msc: number; mse: number } => {
  const n = x.length;
  const k = x[0].length;
  const grand = x.flat().reduce((s, v) => s + v, 0) / (n * k);
  const rowMeans = x.map((row) => row.reduce((s, v) => s + v, 0) / k);
  const colMeans = x[0].map((_, j) => x.reduce((s, row) => s + row[j], 0) / n);
  const ssr = k * rowMeans.reduce((s, m) => s + (m - grand) ** 2, 0);
  const ssc = n * colMeans.reduce((s, m) => s + (m - grand) ** 2, 0);
  const sse = x.reduce((s, row, i) => s + row.reduce((q, v, j) => q + (v - rowMeans[i] - colMeans[j] + grand) ** 2, 0), 0);
  return { msr: ssr / (n - 1), msc: ssc / (k - 1), mse: sse / ((n - 1) * (k - 1)) };
};

/**
 * Keeps the targets every rater scored. The two-way ANOVA behind ICC(2,·) needs a complete
 * targets × raters table, so a target with any missing (null) rating is dropped; its row index
 * is reported so that the caller can say how many were left out.
 */
export const completeRows = (matrix: (number | null)[][]): { rows: number[][]; droppedRows: number[] } => {
  const rows: number[][] = [];
  const droppedRows: number[] = [];
  matrix.forEach((row, i) => {
    if (row.some((x) => x === null)) droppedRows.push(i);
    else rows.push(row as number[]);
  });
  return { rows, droppedRows };
};
