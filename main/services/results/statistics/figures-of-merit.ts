// Figures of merit of one reader under one condition, each with its value without each case (the
// jackknife's leave-one-out values), computed in closed form rather than by recomputing the figure
// once per case: a study of 1,000 cases stays fast.
import { invalidInput } from './invalid-input';

/** One reader's reading of one case under one condition: a rating, and the case's binary truth where the figure needs one. */
export type Reading = { caseId: string; value: number; truth?: 0 | 1 | null };

/** The figure over a reader's readings, and its value without each case that reader read (NaN where it is undefined then). */
export type FomEstimate = { value: number; without: Map<string, number> };

export type FigureOfMerit = (readings: readonly Reading[]) => FomEstimate;

const checkFinite = (readings: readonly Reading[]): void =>
  readings.forEach((r, i) => {
    if (!Number.isFinite(r.value)) throw invalidInput(`Reading ${i} (case ${r.caseId}) is not a finite number.`, { index: i });
  });

/**
 * The mean of the values — a mean rating, or accuracy when each value is 1 (right) or 0 (wrong).
 * Without case k: (S − x_k) / (n − 1).
 */
export const meanFom: FigureOfMerit = (readings) => {
  checkFinite(readings);
  const n = readings.length;
  const sum = readings.reduce((s, r) => s + r.value, 0);
  const without = new Map<string, number>();
  for (const r of readings) without.set(r.caseId, n > 1 ? (sum - r.value) / (n - 1) : NaN);
  return { value: n ? sum / n : NaN, without };
};

/**
 * The empirical (trapezoidal) ROC area: the Mann–Whitney statistic, the share of (diseased,
 * non-diseased) pairs where the diseased case's rating is higher, ties counting one half
 * (Hanley & McNeil, "The meaning and use of the area under a receiver operating characteristic
 * (ROC) curve", Radiology 143:29–36, 1982). Readings without a truth are left out. Without a
 * diseased case i: (T − V_i) / (n0 (n1 − 1)), where T sums ψ over all pairs and V_i over case i's
 * pairs; likewise for a non-diseased case.
 */
export const empiricalAucFom: FigureOfMerit = (readings) => {
  checkFinite(readings);
  const pos = readings.filter((r) => r.truth === 1);
  const neg = readings.filter((r) => r.truth === 0);
  const n1 = pos.length;
  const n0 = neg.length;
  const vPos = new Array<number>(n1).fill(0);
  const vNeg = new Array<number>(n0).fill(0);
  let total = 0;
  for (let i = 0; i < n1; i++)
    for (let j = 0; j < n0; j++) {
      const psi = pos[i].value > neg[j].value ? 1 : pos[i].value === neg[j].value ? 0.5 : 0;
      vPos[i] += psi;
      vNeg[j] += psi;
      total += psi;
    }
  const without = new Map<string, number>();
  pos.forEach((r, i) => without.set(r.caseId, n1 > 1 && n0 > 0 ? (total - vPos[i]) / (n0 * (n1 - 1)) : NaN));
  neg.forEach((r, j) => without.set(r.caseId, n0 > 1 && n1 > 0 ? (total - vNeg[j]) / ((n0 - 1) * n1) : NaN));
  return { value: n0 && n1 ? total / (n0 * n1) : NaN, without };
};
