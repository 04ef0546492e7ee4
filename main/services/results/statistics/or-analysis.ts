// Multi-reader multi-case comparison of conditions ("treatments"), readers and cases both random:
// the Obuchowski–Rockette model with Hillis' denominator degrees of freedom, covariances estimated
// by jackknifing over cases — the analysis of OR-DBM MRMC, MRMCaov (mrmc(..., cov = jackknife)) and
// RJafroc (StSignificanceTesting(method = "OR", covEstMethod = "jackknife")).
//   Obuchowski & Rockette, "Hypothesis testing of diagnostic accuracy for multiple readers and
//     multiple tests: an ANOVA approach with dependent observations", Commun Stat Simul Comput
//     24:285–308 (1995).
//   Hillis, "A comparison of denominator degrees of freedom methods for multiple observer ROC
//     analysis", Stat Med 26:596–619 (2007): ddf_H, and the single-treatment intervals (ddf_H_single).
//   Hillis, Berbaum & Metz, "Recent developments in the Dorfman-Berbaum-Metz procedure for
//     multireader ROC study analysis", Acad Radiol 15:647–661 (2008).
// Followed for the formulas as the software prints them: OR-DBM MRMC 2.51's output for the Van
// Dyke data (RJafroc inst/Iowa/VanDyke.txt), and MRMCaov's R/mrmc.R and R/jackknife.R.
import fCdf from '@stdlib/stats-base-dists-f-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import type { ComparisonDifference } from '../../../../app/results';
import type { FigureOfMerit, Reading } from './figures-of-merit';
import { checkLevel, invalidInput } from './invalid-input';

export type OrRow = Reading & { treatment: string; reader: string };

export type OrCovariances = { error: number; cov1: number; cov2: number; cov3: number };

/** θ_a − θ_b, the difference of the reader-averaged figures of merit (the dashboard's type). */
export type OrDifference = ComparisonDifference;

export type OrSingle = {
  treatment: string;
  estimate: number;
  msR: number;
  cov2: number;
  se: number;
  df: number;
  ci: [number, number] | null;
};

export type OrAnalysis = {
  treatments: string[];
  readers: string[];
  /** Readers left out because they have no figure of merit under some treatment. */
  readersLeftOut: string[];
  cases: number;
  /** θ_ij: treatments × readers. */
  fom: number[][];
  means: number[];
  msT: number;
  msR: number;
  msTR: number;
  covariances: OrCovariances;
  /** The global test that every treatment has the same figure of merit (null with one treatment). */
  global: { f: number; df1: number; df2: number; p: number | null; denominator: number } | null;
  differences: OrDifference[];
  single: OrSingle[];
};

/** The t (or, with infinite df, normal) quantile for a two-sided interval. */
const critical = (level: number, df: number): number =>
  df === Infinity ? normalQuantile(1 - (1 - level) / 2, 0, 1) : tQuantile(1 - (1 - level) / 2, df);

const twoSidedP = (t: number, df: number): number | null =>
  Number.isFinite(t) && df > 0 ? 2 * (1 - tCdf(Math.abs(t), df === Infinity ? 1e12 : df)) : null;

const clamp = (ci: [number, number], bounds?: [number, number]): [number, number] =>
  bounds ? [Math.max(bounds[0], ci[0]), Math.min(bounds[1], ci[1])] : ci;

/** Satterthwaite-style ddf of a denominator MS + extra when MS has df `dfMs`; infinite when MS is 0 and the extra is not. */
const ddf = (ms: number, denominator: number, dfMs: number): number =>
  ms > 0 ? denominator ** 2 / (ms ** 2 / dfMs) : denominator > 0 ? Infinity : NaN;

/**
 * The OR analysis of `rows` (each reader's readings of cases under each treatment) with the given
 * figure of merit. A reader who read a case under one treatment only is allowed: leaving the case
 * out changes only the figures it entered (for complete data this is the usual jackknife). `bounds`
 * clips the single-treatment intervals to the figure's range (as MRMCaov does for a proportion).
 */
export function orAnalysis(
  rows: readonly OrRow[],
  fomOf: FigureOfMerit,
  options: { treatments?: string[]; level?: number; bounds?: [number, number] } = {},
): OrAnalysis {
  const level = options.level ?? 0.95;
  checkLevel(level);
  const treatments = options.treatments ?? [...new Set(rows.map((r) => r.treatment))];
  const allReaders = [...new Set(rows.map((r) => r.reader))];
  const cell = new Map<string, Reading[]>();
  for (const r of rows) {
    const k = `${r.treatment}\u0000${r.reader}`;
    const list = cell.get(k);
    if (list) list.push(r);
    else cell.set(k, [r]);
  }
  const estimates = new Map([...cell].map(([k, rs]) => [k, fomOf(rs)]));
  const readers = allReaders.filter((j) => treatments.every((i) => Number.isFinite(estimates.get(`${i}\u0000${j}`)?.value)));
  const t = treatments.length;
  const r = readers.length;
  if (t < 1 || r < 2)
    throw invalidInput(`An OR analysis needs at least two readers with a figure of merit under every condition, got ${r}.`, { readers: r });
  const cases = [...new Set(rows.filter((x) => readers.includes(x.reader) && treatments.includes(x.treatment)).map((x) => x.caseId))];
  const c = cases.length;
  if (c < 2) throw invalidInput(`An OR analysis needs at least two cases, got ${c}.`, { cases: c });

  // θ_ij and the jackknife deviations θ_ij(k) − mean_k θ_ij(k), one row per (i, j).
  const fom = treatments.map((i) => readers.map((j) => estimates.get(`${i}\u0000${j}`)!.value));
  const dev: Float64Array[] = [];
  for (const i of treatments)
    for (const j of readers) {
      const e = estimates.get(`${i}\u0000${j}`)!;
      const loo = Float64Array.from(cases, (k) => e.without.get(k) ?? e.value);
      if (loo.some((x) => !Number.isFinite(x)))
        throw invalidInput(
          `The figure of merit of reader ${j} under ${i} is undefined without one of the cases (too few cases of a kind).`,
          {
            reader: j,
            treatment: i,
          },
        );
      const m = loo.reduce((s, x) => s + x, 0) / c;
      dev.push(loo.map((x) => x - m));
    }
  const cov = (p: number, q: number): number => {
    let s = 0;
    for (let k = 0; k < c; k++) s += dev[p][k] * dev[q][k];
    return ((c - 1) / c) * s;
  };
  const at = (i: number, j: number): number => i * r + j;
  // Averages of the covariance matrix over its four kinds of entries (Hillis 2007, §2).
  let error = 0;
  let cov1 = 0;
  let cov2 = 0;
  let cov3 = 0;
  const cov2Of = new Array<number>(t).fill(0);
  for (let i = 0; i < t; i++)
    for (let j = 0; j < r; j++)
      for (let i2 = 0; i2 < t; i2++)
        for (let j2 = 0; j2 < r; j2++) {
          if (at(i2, j2) < at(i, j)) continue;
          const v = cov(at(i, j), at(i2, j2));
          const w = at(i2, j2) === at(i, j) ? 1 : 2;
          if (i === i2 && j === j2) error += v;
          else if (j === j2) cov1 += w * v;
          else if (i === i2) {
            cov2 += w * v;
            cov2Of[i] += w * v;
          } else cov3 += w * v;
        }
  error /= t * r;
  cov1 = t > 1 ? cov1 / (t * (t - 1) * r) : NaN;
  cov2 /= t * r * (r - 1);
  cov3 = t > 1 ? cov3 / (t * (t - 1) * r * (r - 1)) : NaN;
  const cov2Single = cov2Of.map((x) => x / (r * (r - 1)));

  const means = fom.map((row) => row.reduce((s, x) => s + x, 0) / r);
  const grand = means.reduce((s, x) => s + x, 0) / t;
  const readerMeans = readers.map((_, j) => fom.reduce((s, row) => s + row[j], 0) / t);
  const msT = t > 1 ? (r * means.reduce((s, m) => s + (m - grand) ** 2, 0)) / (t - 1) : NaN;
  const msR = (t * readerMeans.reduce((s, m) => s + (m - grand) ** 2, 0)) / (r - 1);
  let ssTR = 0;
  for (let i = 0; i < t; i++) for (let j = 0; j < r; j++) ssTR += (fom[i][j] - means[i] - readerMeans[j] + grand) ** 2;
  const msTR = t > 1 ? ssTR / ((t - 1) * (r - 1)) : NaN;

  let global: OrAnalysis['global'] = null;
  const differences: OrDifference[] = [];
  if (t > 1) {
    // Hillis (2007): denominator MS(T×R) + r·max(Cov2 − Cov3, 0), ddf_H = denominator² / (MS(T×R)² / ((t−1)(r−1))).
    const denominator = msTR + r * Math.max(cov2 - cov3, 0);
    const df2 = ddf(msTR, denominator, (t - 1) * (r - 1));
    const f = msT / denominator;
    global = {
      f,
      df1: t - 1,
      df2,
      denominator,
      p: Number.isFinite(f) && df2 > 0 ? 1 - fCdf(f, t - 1, df2 === Infinity ? 1e12 : df2) : null,
    };
    const se = Math.sqrt((2 / r) * denominator);
    for (let a = 0; a < t; a++)
      for (let b = a + 1; b < t; b++) {
        const estimate = means[a] - means[b];
        const stat = estimate / se;
        const half = se > 0 && df2 > 0 ? critical(level, df2) * se : NaN;
        differences.push({
          a: treatments[a],
          b: treatments[b],
          estimate,
          se,
          df: df2,
          t: stat,
          p: se > 0 ? twoSidedP(stat, df2) : null,
          ci: Number.isFinite(half) ? [estimate - half, estimate + half] : null,
        });
      }
  }

  // Single-treatment intervals (Hillis 2007, ddf_H_single): SE² = (MS(R)_i + r·max(Cov2_i, 0)) / r.
  const single = treatments.map((treatment, i): OrSingle => {
    const msRi = fom[i].reduce((s, x) => s + (x - means[i]) ** 2, 0) / (r - 1);
    const denominator = msRi + r * Math.max(cov2Single[i], 0);
    const se = Math.sqrt(denominator / r);
    const df = ddf(msRi, denominator, r - 1);
    const half = se > 0 && df > 0 ? critical(level, df) * se : NaN;
    return {
      treatment,
      estimate: means[i],
      msR: msRi,
      cov2: cov2Single[i],
      se,
      df,
      ci: Number.isFinite(half) ? clamp([means[i] - half, means[i] + half], options.bounds) : null,
    };
  });

  return {
    treatments,
    readers,
    readersLeftOut: allReaders.filter((j) => !readers.includes(j)),
    cases: c,
    fom,
    means,
    msT,
    msR,
    msTR,
    covariances: { error, cov1, cov2, cov3 },
    global,
    differences,
    single,
  };
}
