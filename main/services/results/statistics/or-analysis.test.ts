// The OR analysis against published results on the standard example: Van Dyke et al., "Cine MRI
// in the diagnosis of thoracic aortic dissection", 79th RSNA (1993) — 5 readers × 114 cases
// (45 with dissection) × 2 modalities, 5-point ratings. The data file is RJafroc's
// inst/extdata/RocData.imrmc (RJafroc 2.1.3, GPL-3; github.com/dpc10ster/RJafroc, commit
// 44b0e39e), copied unchanged to fixtures/van-dyke.imrmc. The published figures:
//  - empirical AUC, jackknife covariances: OR-DBM MRMC 2.51's output for these data, RJafroc
//    inst/Iowa/VanDyke.txt ("Analysis 1 (OR Analysis): Random Readers and Random Cases"), the
//    analysis of Hillis (2007) and Hillis, Berbaum & Metz (2008);
//  - sensitivity of "rating >= 3", jackknife: MRMCaov's paper (Smith, Hillis & Pesce, MRMCaov
//    docs/jss/MRMCaov.tex, "Compare sensitivity for binary classification").
// Plus a small data set worked by hand (below) and an independent brute-force jackknife.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { empiricalAucFom, meanFom, type Reading } from './figures-of-merit';
import { orAnalysis, type OrRow } from './or-analysis';

function vanDyke(): OrRow[] {
  const lines = readFileSync(join(__dirname, 'fixtures', 'van-dyke.imrmc'), 'utf8').split(/\r?\n/);
  const data = lines.slice(lines.indexOf('BEGIN DATA:') + 1).filter(Boolean);
  const truth = new Map<string, 0 | 1>();
  for (const l of data) {
    const [reader, caseId, , score] = l.split(',');
    if (reader === '-1') truth.set(caseId, Number(score) as 0 | 1);
  }
  return data
    .map((l) => l.split(','))
    .filter(([reader]) => reader !== '-1')
    .map(([reader, caseId, modality, score]) => ({
      reader: `R${Number(reader) + 1}`,
      treatment: `T${Number(modality) + 1}`,
      caseId,
      value: Number(score),
      truth: truth.get(caseId)!,
    }));
}

/** Rounded as the source prints it: `digits` after the point. */
const near = (actual: number, published: number, digits: number): void =>
  expect(Math.abs(actual - published)).toBeLessThanOrEqual(0.5 * 10 ** -digits + 1e-15);

describe('Obuchowski–Rockette with Hillis ddf on the Van Dyke data', () => {
  it('empirical AUC: equals OR-DBM MRMC 2.51 (RJafroc inst/Iowa/VanDyke.txt) to the printed precision', () => {
    const a = orAnalysis(vanDyke(), empiricalAucFom, { treatments: ['T1', 'T2'], bounds: [0, 1] });
    expect(a.cases).toBe(114);
    expect(a.readers).toHaveLength(5);
    const aucs = [
      [0.91964573, 0.85877617, 0.90386473, 0.97310789, 0.82979066],
      [0.94782609, 0.90531401, 0.92173913, 0.99935588, 0.92995169],
    ];
    aucs.forEach((row, i) => row.forEach((v, j) => near(a.fom[i][j], v, 8)));
    near(a.means[0], 0.89703704, 8);
    near(a.means[1], 0.94083736, 8);
    near(a.msT, 0.00479617, 8);
    near(a.msR, 0.0038362, 8);
    near(a.msTR, 0.00055103, 8);
    near(a.covariances.error, 0.00080229, 8);
    near(a.covariances.cov1, 0.00034661, 8);
    near(a.covariances.cov2, 0.00034407, 8);
    near(a.covariances.cov3, 0.00023903, 8);
    near(a.global!.denominator, 0.00107626, 8);
    near(a.global!.f, 4.46, 2);
    near(a.global!.df2, 15.26, 2);
    near(a.global!.p!, 0.0517, 4);
    const d = a.differences[0];
    expect([d.a, d.b]).toEqual(['T1', 'T2']);
    near(d.estimate, -0.0438, 5);
    near(d.se, 0.02075, 5);
    near(d.df, 15.26, 2);
    near(d.t, -2.11, 2);
    near(d.p!, 0.0517, 4);
    near(d.ci![0], -0.08796, 5);
    near(d.ci![1], 0.00036, 5);
    const [s1, s2] = a.single;
    near(s1.se, 0.0331736, 8);
    near(s1.df, 12.74, 2);
    near(s1.cov2, 0.00048396, 8);
    near(s1.ci![0], 0.8252236, 8);
    near(s1.ci![1], 0.96885048, 8);
    near(s2.se, 0.02156637, 8);
    near(s2.df, 12.71, 2);
    near(s2.cov2, 0.00020419, 8);
    near(s2.ci![0], 0.89413783, 8);
    near(s2.ci![1], 0.98753689, 8);
  });

  it('sensitivity of rating >= 3: equals MRMCaov (jackknife) as its paper prints it', () => {
    // binary_sens is the mean of the 0/1 calls over the diseased cases; MRMCaov jackknifes over the
    // cases the metric uses (its covariances carry (45 − 1)/45, not (114 − 1)/114), so the rows
    // given are the diseased cases'.
    const rows = vanDyke()
      .filter((r) => r.truth === 1)
      .map((r) => ({ ...r, value: r.value >= 3 ? 1 : 0 }));
    const a = orAnalysis(rows, meanFom, { treatments: ['T1', 'T2'], bounds: [0, 1] });
    near(a.msT, 0.02390123, 8);
    near(a.msTR, 0.001802469, 9);
    near(a.covariances.error, 0.0023681257, 10);
    near(a.covariances.cov1, 0.0009943883, 10);
    near(a.covariances.cov2, 0.0010145903, 10);
    near(a.covariances.cov3, 0.0006604938, 10);
    near(a.global!.f, 6.689493, 6);
    near(a.global!.df2, 15.71732, 5);
    near(a.global!.p!, 0.02008822, 8);
    const d = a.differences[0];
    near(d.estimate, -0.09777778, 8);
    near(d.se, 0.03780451, 8);
    near(d.ci![0], -0.1780371, 7);
    near(d.ci![1], -0.0175185, 7);
    near(d.t, -2.586405, 6);
    const [s1, s2] = a.single;
    near(s1.estimate, 0.8222222, 7);
    near(s1.msR, 0.009135802, 9);
    near(s1.cov2, 0.001646465, 9);
    near(s1.se, 0.05893747, 8);
    near(s1.df, 14.456811, 6);
    near(s1.ci![0], 0.6961876, 7);
    near(s1.ci![1], 0.9482568, 7);
    near(s2.se, 0.03741657, 8);
    near(s2.df, 7.575855, 6);
    near(s2.ci![0], 0.8328691, 7);
    // Clipped to the figure's range, as MRMCaov prints 1.0000000.
    expect(s2.ci![1]).toBe(1);
  });
});

describe('OR analysis on a small data set', () => {
  // 3 readers × 4 cases × 2 conditions, mean rating as the figure of merit.
  const ratings: Record<string, number[][]> = {
    A: [
      [3, 4, 2, 5],
      [2, 4, 3, 4],
      [4, 5, 3, 5],
    ],
    B: [
      [4, 4, 3, 5],
      [3, 5, 3, 5],
      [4, 5, 4, 5],
    ],
  };
  const rows: OrRow[] = Object.entries(ratings).flatMap(([treatment, m]) =>
    m.flatMap((row, j) => row.map((value, k) => ({ treatment, reader: `r${j}`, caseId: `c${k}`, value }))),
  );

  it('matches the formulas worked independently: per-cell means, ANOVA mean squares, brute-force jackknife covariances', () => {
    const a = orAnalysis(rows, meanFom);
    // Reader means: A 3.5, 3.25, 4.25; B 4, 4, 4.5.
    expect(a.fom).toEqual([
      [3.5, 3.25, 4.25],
      [4, 4, 4.5],
    ]);
    const ta = 11 / 3;
    const tb = 12.5 / 3;
    expect(a.means[0]).toBeCloseTo(ta, 14);
    expect(a.means[1]).toBeCloseTo(tb, 14);
    const grand = (ta + tb) / 2;
    expect(a.msT).toBeCloseTo(3 * ((ta - grand) ** 2 + (tb - grand) ** 2), 14);
    // Brute-force jackknife: recompute every reader mean without each case.
    const loo = (t: string, j: number, k: number): number => {
      const v = ratings[t][j].filter((_, i) => i !== k);
      return v.reduce((s, x) => s + x, 0) / v.length;
    };
    const covOf = (t1: string, j1: number, t2: string, j2: number): number => {
      const x = [0, 1, 2, 3].map((k) => loo(t1, j1, k));
      const y = [0, 1, 2, 3].map((k) => loo(t2, j2, k));
      const mx = x.reduce((s, v) => s + v, 0) / 4;
      const my = y.reduce((s, v) => s + v, 0) / 4;
      return (3 / 4) * x.reduce((s, v, k) => s + (v - mx) * (y[k] - my), 0);
    };
    const avg = (pairs: [string, number, string, number][]): number => pairs.reduce((s, p) => s + covOf(...p), 0) / pairs.length;
    const R = [0, 1, 2];
    const T = ['A', 'B'];
    const all = T.flatMap((t1) =>
      R.flatMap((j1) => T.flatMap((t2) => R.map((j2) => [t1, j1, t2, j2] as [string, number, string, number]))),
    );
    const error = avg(all.filter(([t1, j1, t2, j2]) => t1 === t2 && j1 === j2));
    const cov1 = avg(all.filter(([t1, j1, t2, j2]) => t1 !== t2 && j1 === j2));
    const cov2 = avg(all.filter(([t1, j1, t2, j2]) => t1 === t2 && j1 !== j2));
    const cov3 = avg(all.filter(([t1, j1, t2, j2]) => t1 !== t2 && j1 !== j2));
    expect(a.covariances.error).toBeCloseTo(error, 14);
    expect(a.covariances.cov1).toBeCloseTo(cov1, 14);
    expect(a.covariances.cov2).toBeCloseTo(cov2, 14);
    expect(a.covariances.cov3).toBeCloseTo(cov3, 14);
    // Interaction: residuals of the two-way table.
    const readerMean = R.map((j) => (a.fom[0][j] + a.fom[1][j]) / 2);
    let ss = 0;
    for (let i = 0; i < 2; i++) for (const j of R) ss += (a.fom[i][j] - a.means[i] - readerMean[j] + grand) ** 2;
    expect(a.msTR).toBeCloseTo(ss / 2, 14);
    const denominator = a.msTR + 3 * Math.max(cov2 - cov3, 0);
    const d = a.differences[0];
    expect(d.estimate).toBeCloseTo(ta - tb, 14);
    expect(d.se).toBeCloseTo(Math.sqrt((2 / 3) * denominator), 14);
    expect(d.df).toBeCloseTo(denominator ** 2 / (a.msTR ** 2 / 2), 10);
    expect(a.global!.f).toBeCloseTo(d.t ** 2, 10);
    expect(a.global!.p!).toBeCloseTo(d.p!, 10);
  });

  it('a reader who stopped early: leaving a case out changes only the figures it entered', () => {
    const partial = rows.filter((r) => !(r.reader === 'r2' && r.caseId === 'c3'));
    const a = orAnalysis(partial, meanFom);
    expect(a.fom[0][2]).toBeCloseTo(4, 14);
    expect(a.cases).toBe(4);
  });

  it('leaves out a reader with no reading under one condition, and refuses fewer than two readers', () => {
    const a = orAnalysis(
      rows.filter((r) => !(r.reader === 'r1' && r.treatment === 'B')),
      meanFom,
    );
    expect(a.readers).toEqual(['r0', 'r2']);
    expect(a.readersLeftOut).toEqual(['r1']);
    expect(() =>
      orAnalysis(
        rows.filter((r) => r.reader === 'r0'),
        meanFom,
      ),
    ).toThrow(/at least two readers/);
  });

  it('AUC: leave-one-out values in closed form equal the AUC recomputed without each case', () => {
    const readings: Reading[] = [
      { caseId: 'a', value: 1, truth: 0 },
      { caseId: 'b', value: 3, truth: 0 },
      { caseId: 'c', value: 3, truth: 1 },
      { caseId: 'd', value: 5, truth: 1 },
      { caseId: 'e', value: 2, truth: 1 },
      { caseId: 'f', value: 2, truth: 0 },
    ];
    const auc = (rs: Reading[]): number => {
      const p = rs.filter((r) => r.truth === 1);
      const n = rs.filter((r) => r.truth === 0);
      let s = 0;
      for (const x of p) for (const y of n) s += x.value > y.value ? 1 : x.value === y.value ? 0.5 : 0;
      return s / (p.length * n.length);
    };
    const e = empiricalAucFom(readings);
    expect(e.value).toBeCloseTo(auc(readings), 15);
    for (const r of readings) expect(e.without.get(r.caseId)).toBeCloseTo(auc(readings.filter((x) => x !== r)), 15);
  });
});
