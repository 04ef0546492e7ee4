// Known answers for Fleiss' kappa: Fleiss's own 1971 example and Wikipedia's worked example.
import { describe, expect, it } from 'vitest';
import { VerdictError } from '../../../../app/errors';
import { countsFromRatings, fleissKappa } from './fleiss-kappa';
import { FLEISS_1971_DIAGNOSES, WIKIPEDIA_FLEISS_COUNTS } from './kappa-fixtures';

describe('fleissKappa', () => {
  it('Fleiss 1971 (30 patients × 6 psychiatrists × 5 diagnoses): P̄ = .556, P̄e = .220, κ = .430; irr 0.4302445', () => {
    const { counts, categories, droppedSubjects } = countsFromRatings(FLEISS_1971_DIAGNOSES);
    expect(categories).toEqual([1, 2, 3, 4, 5]);
    expect(droppedSubjects).toEqual([]);
    // Fleiss's p_j (.144, .144, .167, .306, .239) are these column totals over 30 × 6 = 180 ratings.
    expect([0, 1, 2, 3, 4].map((j) => counts.reduce((s, row) => s + row[j], 0))).toEqual([26, 26, 30, 55, 43]);
    const r = fleissKappa(counts);
    expect(r).toMatchObject({ subjects: 30, raters: 6, categories: 5 });
    expect(r.observed).toBeCloseTo(0.556, 3);
    expect(r.expected).toBeCloseTo(0.22, 3);
    expect(r.kappa).toBeCloseTo(0.43, 3);
    // R: irr::kappam.fleiss(diagnoses)$value, as recorded in statsmodels' test_inter_rater.py.
    expect(r.kappa).toBeCloseTo(0.4302445, 7);
  });

  it("Wikipedia's worked example (10 subjects, 14 raters): P̄ = 0.378, P̄e = 0.213, κ = 0.210", () => {
    const r = fleissKappa(WIKIPEDIA_FLEISS_COUNTS);
    expect(r).toMatchObject({ subjects: 10, raters: 14, categories: 5 });
    expect(r.observed).toBeCloseTo(0.378, 3);
    expect(r.expected).toBeCloseTo(0.213, 3);
    expect(r.kappa).toBeCloseTo(0.21, 3);
  });

  it('complete agreement spread over categories is 1; all ratings in one category leave kappa undefined', () => {
    expect(
      fleissKappa([
        [3, 0],
        [0, 3],
        [3, 0],
      ]).kappa,
    ).toBeCloseTo(1, 12);
    expect(
      fleissKappa([
        [3, 0],
        [3, 0],
      ]),
    ).toMatchObject({ kappa: null, observed: 1, expected: 1 });
  });

  it('throws naming the row when subjects have different numbers of ratings', () => {
    const call = () =>
      fleissKappa([
        [2, 1],
        [1, 1],
        [0, 3],
      ]);
    expect(call).toThrow(VerdictError);
    expect(call).toThrow(/Row 1 has 2 ratings/);
    expect(call).toThrow(expect.objectContaining({ code: 'api.invalid-args', detail: { row: 1 } }));
    expect(() =>
      fleissKappa([
        [1, 0],
        [0, 1],
      ]),
    ).toThrow(/at least 2 ratings/);
    expect(() => fleissKappa([[1, 1], [2]])).toThrow(/Row 1/);
  });
});

describe('countsFromRatings', () => {
  it('drops subjects missing a rating, reporting their indices, and orders numeric categories', () => {
    const r = countsFromRatings([
      [2, 1, 2],
      [null, 1, 1],
      [10, 2, 1],
      [1, 1, null],
    ]);
    expect(r.droppedSubjects).toEqual([1, 3]);
    expect(r.categories).toEqual([1, 2, 10]);
    expect(r.counts).toEqual([
      [1, 2, 0],
      [1, 1, 1],
    ]);
  });

  it('accepts string categories and rejects a ragged matrix naming the row', () => {
    expect(
      countsFromRatings([
        ['yes', 'no'],
        ['no', 'no'],
      ]),
    ).toEqual({
      counts: [
        [1, 1],
        [2, 0],
      ],
      categories: ['no', 'yes'],
      droppedSubjects: [],
    });
    expect(() => countsFromRatings([['yes', 'no'], ['no']])).toThrow(/Row 1 has 1 raters/);
  });
});
