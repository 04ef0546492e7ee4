// Cohen's kappa for two raters on an ordered scale, weighted or not, and its average over the
// rater pairs of a larger panel.
import { invalidInput } from './invalid-input';

export type KappaWeights = 'quadratic' | 'linear' | 'none';

export type WeightedKappa = {
  /** null when chance agreement is 1 (both raters used one and the same point): kappa is 0/0. */
  kappa: number | null;
  /** Weighted observed agreement, Σ w_ij p_ij. */
  observed: number;
  /** Weighted agreement expected by chance from the two raters' margins, Σ w_ij p_i· p_·j. */
  expected: number;
  n: number;
};

export type PairwiseKappa = {
  /** The mean of the pairs' kappas that are defined; null when none is. */
  kappa: number | null;
  pairs: { raters: [number, number]; n: number; kappa: number | null }[];
};

/** Agreement weight of scale positions i and j on a k-point scale (1 on the diagonal). */
const weight = (i: number, j: number, k: number, weights: KappaWeights): number => {
  if (weights === 'none') return i === j ? 1 : 0;
  const d = Math.abs(i - j) / (k - 1);
  return weights === 'linear' ? 1 - d : 1 - d * d;
};

/**
 * Weighted kappa, κ_w = (p_o − p_e) / (1 − p_e) with agreement weights w_ij = 1 − ((i − j)/(k − 1))²
 * (quadratic), 1 − |i − j|/(k − 1) (linear) or the identity (none: Cohen's unweighted kappa).
 * Cohen, "Weighted kappa", Psychological Bulletin 70(4):213–220 (1968); unweighted: Cohen,
 * "A coefficient of agreement for nominal scales", Educational and Psychological Measurement
 * 20(1):37–46 (1960). `categories` are the scale points in order, used or not: i and j are
 * positions in it, so a point nobody chose still widens the distance between its neighbours.
 */
export const weightedKappa = (a: number[], b: number[], categories: number[], weights: KappaWeights): WeightedKappa => {
  const k = categories.length;
  if (k < 2) throw invalidInput(`Weighted kappa needs at least 2 scale points, got ${k}.`);
  if (categories.some((c, i) => i > 0 && !(c > categories[i - 1])))
    throw invalidInput('Scale points must be strictly increasing.', { categories: categories.join(',') });
  if (a.length !== b.length) throw invalidInput(`The raters have ${a.length} and ${b.length} ratings: they must rate the same subjects.`);
  const n = a.length;
  if (n === 0) throw invalidInput('Weighted kappa needs at least one subject rated by both raters.');

  const position = new Map(categories.map((c, i) => [c, i]));
  const table = categories.map(() => new Array<number>(k).fill(0)); // counts of (a, b) pairs
  for (let s = 0; s < n; s++) {
    const i = position.get(a[s]);
    const j = position.get(b[s]);
    if (i === undefined || j === undefined) throw invalidInput(`Subject ${s} has a rating off the scale (${a[s]}, ${b[s]}).`, { row: s });
    table[i][j] += 1;
  }
  const rowShare = table.map((row) => row.reduce((s, c) => s + c, 0) / n);
  const colShare = categories.map((_, j) => table.reduce((s, row) => s + row[j], 0) / n);
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w = weight(i, j, k, weights);
      observed += (w * table[i][j]) / n;
      expected += w * rowShare[i] * colShare[j];
    }
  }
  const kappa = 1 - expected < 1e-12 ? null : (observed - expected) / (1 - expected);
  return { kappa, observed, expected, n };
};

/**
 * For more than two raters (ratings: subjects × raters, null = not rated): weighted kappa for
 * every pair of raters on the subjects both rated, and the mean of those kappas. This is Light's
 * average-pairwise approach — Light, "Measures of response agreement for qualitative data: some
 * generalizations and alternatives", Psychological Bulletin 76(5):365–377 (1971); see also
 * Conger, "Integration and generalization of kappas for multiple raters", Psychological Bulletin
 * 88(2):322–328 (1980) — here with Cohen's weights; with 'none' it is Light's kappa. A pair that
 * shares no subject, or whose kappa is undefined, is listed with kappa null and left out of the mean.
 */
export const meanPairwiseWeightedKappa = (ratings: (number | null)[][], categories: number[], weights: KappaWeights): PairwiseKappa => {
  const raters = ratings[0]?.length ?? 0;
  const scale = new Set(categories);
  ratings.forEach((row, i) => {
    if (row.length !== raters) throw invalidInput(`Row ${i} has ${row.length} raters, row 0 has ${raters}.`, { row: i });
    if (row.some((r) => r !== null && !scale.has(r))) throw invalidInput(`Row ${i} has a rating off the scale.`, { row: i });
  });
  if (raters < 2) throw invalidInput(`Pairwise kappa needs at least 2 raters, got ${raters}.`);

  const pairs: PairwiseKappa['pairs'] = [];
  for (let r = 0; r < raters; r++) {
    for (let s = r + 1; s < raters; s++) {
      const both = ratings.filter((row) => row[r] !== null && row[s] !== null) as number[][];
      const kappa =
        both.length === 0
          ? null
          : weightedKappa(
              both.map((row) => row[r]),
              both.map((row) => row[s]),
              categories,
              weights,
            ).kappa;
      pairs.push({ raters: [r, s], n: both.length, kappa });
    }
  }
  const defined = pairs.map((p) => p.kappa).filter((k): k is number => k !== null);
  return { kappa: defined.length === 0 ? null : defined.reduce((s, k) => s + k, 0) / defined.length, pairs };
};
