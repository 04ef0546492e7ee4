// Published rating tables used as known-answer fixtures by the kappa tests.

/**
 * Fleiss (1971), Psychological Bulletin 76(5):378–382: 30 patients, each diagnosed by 6 of a pool
 * of psychiatrists into 1 depression, 2 personality disorder, 3 schizophrenia, 4 neurosis,
 * 5 other. Fleiss printed only the counts per category; this subjects × raters form is R's irr
 * package `diagnoses` data set (rows are patients, columns rater1…rater6), as transcribed in
 * statsmodels' statsmodels/stats/tests/test_inter_rater.py.
 */
export const FLEISS_1971_DIAGNOSES: number[][] = [
  [4, 4, 4, 4, 4, 4],
  [2, 2, 2, 5, 5, 5],
  [2, 3, 3, 3, 3, 5],
  [5, 5, 5, 5, 5, 5],
  [2, 2, 2, 4, 4, 4],
  [1, 1, 3, 3, 3, 3],
  [3, 3, 3, 3, 5, 5],
  [1, 1, 3, 3, 3, 4],
  [1, 1, 4, 4, 4, 4],
  [5, 5, 5, 5, 5, 5],
  [1, 4, 4, 4, 4, 4],
  [1, 2, 4, 4, 4, 4],
  [2, 2, 2, 3, 3, 3],
  [1, 4, 4, 4, 4, 4],
  [2, 2, 4, 4, 4, 5],
  [3, 3, 3, 3, 3, 5],
  [1, 1, 1, 4, 5, 5],
  [1, 1, 1, 1, 1, 2],
  [2, 2, 4, 4, 4, 4],
  [1, 3, 3, 5, 5, 5],
  [5, 5, 5, 5, 5, 5],
  [2, 4, 4, 4, 4, 4],
  [2, 2, 4, 5, 5, 5],
  [1, 1, 4, 4, 4, 4],
  [1, 4, 4, 4, 4, 5],
  [2, 2, 2, 2, 2, 4],
  [1, 1, 1, 1, 5, 5],
  [2, 2, 4, 4, 4, 4],
  [1, 3, 3, 3, 3, 3],
  [5, 5, 5, 5, 5, 5],
];

/**
 * Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories; each row counts
 * the raters per category. Published: P̄ = 0.378, P̄e = 0.213, κ = 0.210.
 */
export const WIKIPEDIA_FLEISS_COUNTS: number[][] = [
  [0, 0, 0, 0, 14],
  [0, 2, 6, 4, 2],
  [0, 0, 3, 5, 6],
  [0, 3, 9, 2, 0],
  [2, 2, 8, 1, 1],
  [7, 7, 0, 0, 0],
  [3, 2, 6, 3, 0],
  [2, 5, 3, 2, 2],
  [6, 5, 2, 1, 0],
  [0, 2, 2, 3, 7],
];

/**
 * R's irr package `anxiety` data: 3 raters scoring the anxiety of 20 subjects from 1 (none) to
 * 6 (extreme); subjects × raters, as transcribed in statsmodels' test_inter_rater.py.
 */
export const IRR_ANXIETY: number[][] = [
  [3, 3, 2],
  [3, 6, 1],
  [3, 4, 4],
  [4, 6, 4],
  [5, 2, 3],
  [5, 4, 2],
  [2, 2, 1],
  [3, 4, 6],
  [5, 3, 1],
  [2, 3, 1],
  [2, 2, 1],
  [6, 3, 2],
  [1, 3, 3],
  [5, 3, 3],
  [2, 2, 1],
  [2, 2, 1],
  [1, 1, 3],
  [2, 3, 3],
  [4, 3, 2],
  [3, 4, 2],
];
