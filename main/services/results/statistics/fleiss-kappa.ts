// Fleiss' kappa: chance-corrected agreement of many raters on a nominal scale.
import { invalidInput } from './invalid-input';

export type FleissKappa = {
  /** null when chance agreement is 1 (every rating in one category): kappa is 0/0 there. */
  kappa: number | null;
  /** P̄: the mean over subjects of the proportion of agreeing rater pairs. */
  observed: number;
  /** P̄e: the sum over categories of the squared share of all ratings. */
  expected: number;
  subjects: number;
  raters: number;
  categories: number;
};

export type Category = string | number;

export type RatingCounts = { counts: number[][]; categories: Category[]; droppedSubjects: number[] };

/**
 * Fleiss' kappa, κ = (P̄ − P̄e) / (1 − P̄e), from counts[i][j] = how many raters put subject i in
 * category j. Fleiss, "Measuring nominal scale agreement among many raters", Psychological
 * Bulletin 76(5):378–382 (1971), eqs. 2–9. Every subject must have the same number of ratings
 * m ≥ 2 (the formula for P_i divides by m(m − 1)); otherwise it throws naming the row.
 */
export const fleissKappa = (counts: number[][]): FleissKappa => {
  if (counts.length === 0) throw invalidInput('Fleiss kappa needs at least one subject.');
  const k = counts[0].length;
  if (k === 0) throw invalidInput('Fleiss kappa needs at least one category.');
  let m = 0;
  counts.forEach((row, i) => {
    if (row.length !== k) throw invalidInput(`Row ${i} has ${row.length} categories, row 0 has ${k}.`, { row: i });
    if (row.some((c) => !Number.isInteger(c) || c < 0))
      throw invalidInput(`Row ${i} has a count that is not a whole number ≥ 0.`, { row: i });
    const sum = row.reduce((s, c) => s + c, 0);
    if (i === 0) m = sum;
    if (sum !== m)
      throw invalidInput(`Row ${i} has ${sum} ratings, row 0 has ${m}: Fleiss kappa needs the same number per subject.`, { row: i });
  });
  if (m < 2) throw invalidInput(`Fleiss kappa needs at least 2 ratings per subject, got ${m}.`, { row: 0 });

  const n = counts.length;
  const observed = counts.reduce((s, row) => s + (row.reduce((q, c) => q + c * c, 0) - m) / (m * (m - 1)), 0) / n;
  let expected = 0;
  for (let j = 0; j < k; j++) {
    const share = counts.reduce((s, row) => s + row[j], 0) / (n * m);
    expected += share * share;
  }
  const kappa = 1 - expected < 1e-12 ? null : (observed - expected) / (1 - expected);
  return { kappa, observed, expected, subjects: n, raters: m, categories: k };
};

// Numbers in numeric order, then strings, so a Likert scale's columns read 1…5.
const compareCategories = (a: Category, b: Category): number => {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
};

/**
 * Turns a subjects × raters matrix of ratings (null = not rated) into Fleiss' counts table, with
 * the categories seen (numbers ascending, then strings) as its columns. A subject missing any
 * rating is dropped and its index reported: Fleiss' formula assumes every subject has the same
 * number of ratings, and unused categories do not change kappa, so only seen ones are listed.
 */
export const countsFromRatings = (ratings: (Category | null)[][]): RatingCounts => {
  const raters = ratings[0]?.length ?? 0;
  const complete: Category[][] = [];
  const droppedSubjects: number[] = [];
  ratings.forEach((row, i) => {
    if (row.length !== raters) throw invalidInput(`Row ${i} has ${row.length} raters, row 0 has ${raters}.`, { row: i });
    if (row.some((r) => r === null)) droppedSubjects.push(i);
    else complete.push(row as Category[]);
  });
  const categories = [...new Set(complete.flat())].sort(compareCategories);
  const column = new Map(categories.map((c, j) => [c, j]));
  const counts = complete.map((row) => {
    const out = new Array<number>(categories.length).fill(0);
    for (const r of row) out[column.get(r)!]++;
    return out;
  });
  return { counts, categories, droppedSubjects };
};
