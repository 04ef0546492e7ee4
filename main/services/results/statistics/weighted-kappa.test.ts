// Known answers for Cohen's (weighted) kappa and its pairwise mean over a panel.
import { describe, expect, it } from 'vitest';
import { VerdictError } from '../../../../app/errors';
import { FLEISS_1971_DIAGNOSES, IRR_ANXIETY } from './kappa-fixtures';
import { meanPairwiseWeightedKappa, weightedKappa } from './weighted-kappa';

const column = (m: number[][], j: number) => m.map((row) => row[j]);

/** Expands a contingency table (rows: rater A's category, columns: rater B's) into two rating lists. */
const fromTable = (table: number[][]): { a: number[]; b: number[] } => {
  const a: number[] = [];
  const b: number[] = [];
  table.forEach((row, i) =>
    row.forEach((count, j) => {
      for (let c = 0; c < count; c++) {
        a.push(i + 1);
        b.push(j + 1);
      }
    }),
  );
  return { a, b };
};

describe('weightedKappa', () => {
  // R: irr::kappa2(anxiety[, 2:3], weight) with weight unweighted / "equal" / "squared", as recorded in
  // statsmodels' test_inter_rater.py. irr weights by the levels present in the data: raters 2 and 3
  // never chose 5, so its scale is 1, 2, 3, 4, 6 and 6 sits next to 4.
  it.each([
    ['none', -0.006289308],
    ['linear', 0.1459075],
    ['quadratic', 0.2520325],
  ] as const)("irr's anxiety data, raters 2 and 3, weights %s: κ = %f", (weights, published) => {
    const r = weightedKappa(column(IRR_ANXIETY, 1), column(IRR_ANXIETY, 2), [1, 2, 3, 4, 6], weights);
    expect(r.n).toBe(20);
    expect(r.kappa).toBeCloseTo(published, 7);
  });

  it('an unused scale point counts for the weights: the full 1…6 scale changes the weighted values only', () => {
    const a = column(IRR_ANXIETY, 1);
    const b = column(IRR_ANXIETY, 2);
    const full = [1, 2, 3, 4, 5, 6];
    expect(weightedKappa(a, b, full, 'none').kappa).toBeCloseTo(-0.006289308, 7);
    // Computed independently (numpy): linear p_o = 0.73, p_e = 0.691; quadratic p_o = 0.878, p_e = 0.8416.
    expect(weightedKappa(a, b, full, 'linear')).toMatchObject({ observed: expect.closeTo(0.73, 12), expected: expect.closeTo(0.691, 12) });
    expect(weightedKappa(a, b, full, 'linear').kappa).toBeCloseTo(0.039 / 0.309, 10);
    expect(weightedKappa(a, b, full, 'quadratic').kappa).toBeCloseTo(0.0364 / 0.1584, 10);
  });

  it("SAS PROC FREQ's 3×3 example (quoted in statsmodels): simple κ = 0.4842, Cicchetti–Allison (linear) κ = 0.4701", () => {
    const { a, b } = fromTable([
      [0, 4, 1],
      [0, 8, 0],
      [0, 1, 5],
    ]);
    expect(weightedKappa(a, b, [1, 2, 3], 'none').kappa).toBeCloseTo(0.4842, 4);
    expect(weightedKappa(a, b, [1, 2, 3], 'linear').kappa).toBeCloseTo(0.4701, 4);
  });

  it("Wikipedia's 2×2 example (Cohen's kappa, 50 proposals: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no): p_o = 0.7, p_e = 0.5, κ = 0.4", () => {
    const { a, b } = fromTable([
      [20, 5],
      [10, 15],
    ]);
    expect(weightedKappa(a, b, [1, 2], 'none')).toMatchObject({
      n: 50,
      observed: expect.closeTo(0.7, 12),
      expected: expect.closeTo(0.5, 12),
      kappa: expect.closeTo(0.4, 12),
    });
  });

  it('a 3-point example by hand: (1,1) (2,3) (3,3) (1,2)', () => {
    // Margins A = (½, ¼, ¼), B = (¼, ¼, ½). Quadratic weights 1, ¾, 0: p_o = 3.5/4 = 0.875,
    // p_e = 0.59375, κ = 9/13. Linear weights 1, ½, 0: p_o = 0.75, p_e = 0.5, κ = 0.5.
    // Unweighted: p_o = 0.5, p_e = 0.3125, κ = 3/11.
    const a = [1, 2, 3, 1];
    const b = [1, 3, 3, 2];
    expect(weightedKappa(a, b, [1, 2, 3], 'quadratic')).toMatchObject({
      observed: 0.875,
      expected: expect.closeTo(0.59375, 12),
      kappa: expect.closeTo(9 / 13, 12),
    });
    expect(weightedKappa(a, b, [1, 2, 3], 'linear')).toMatchObject({
      observed: 0.75,
      expected: expect.closeTo(0.5, 12),
      kappa: expect.closeTo(0.5, 12),
    });
    expect(weightedKappa(a, b, [1, 2, 3], 'none').kappa).toBeCloseTo(3 / 11, 12);
  });

  it('identical raters score 1 with every weighting; a single shared point leaves kappa undefined', () => {
    const a = [1, 5, 3, 3, 2, 4, 5];
    for (const w of ['none', 'linear', 'quadratic'] as const) expect(weightedKappa(a, a, [1, 2, 3, 4, 5], w).kappa).toBeCloseTo(1, 12);
    expect(weightedKappa([3, 3], [3, 3], [1, 2, 3, 4, 5], 'quadratic').kappa).toBeNull();
  });

  it('rejects off-scale ratings, unequal lengths and an unordered scale', () => {
    expect(() => weightedKappa([1, 7], [1, 2], [1, 2, 3], 'linear')).toThrow(/Subject 1/);
    expect(() => weightedKappa([1, 2], [1], [1, 2, 3], 'linear')).toThrow(VerdictError);
    expect(() => weightedKappa([1], [1], [3, 2, 1], 'linear')).toThrow(/increasing/);
  });
});

describe('meanPairwiseWeightedKappa', () => {
  it("Fleiss 1971's diagnoses, unweighted: the 15 pairs average to Light's kappa 0.459 (irr::kappam.light)", () => {
    const r = meanPairwiseWeightedKappa(FLEISS_1971_DIAGNOSES, [1, 2, 3, 4, 5], 'none');
    expect(r.pairs).toHaveLength(15);
    expect(r.kappa).toBeCloseTo(0.459, 3);
    // R: irr::kappa2(diagnoses[, c("rater1", "rater2")]) prints Kappa = 0.651.
    expect(r.pairs[0]).toMatchObject({ raters: [0, 1], n: 30 });
    expect(r.pairs[0].kappa).toBeCloseTo(0.651, 3);
  });

  it('uses, for each pair, only the subjects both raters scored', () => {
    const ratings = [
      [1, 1, 2],
      [2, null, 2],
      [3, 3, null],
      [null, 2, 1],
      [2, 2, 3],
    ];
    const r = meanPairwiseWeightedKappa(ratings, [1, 2, 3], 'quadratic');
    expect(r.pairs.map((p) => p.n)).toEqual([3, 3, 3]);
    const k01 = weightedKappa([1, 3, 2], [1, 3, 2], [1, 2, 3], 'quadratic').kappa!;
    const k02 = weightedKappa([1, 2, 2], [2, 2, 3], [1, 2, 3], 'quadratic').kappa!;
    const k12 = weightedKappa([1, 2, 2], [2, 1, 3], [1, 2, 3], 'quadratic').kappa!;
    expect(r.pairs.map((p) => p.kappa)).toEqual([k01, k02, k12]);
    expect(r.kappa).toBeCloseTo((k01 + k02 + k12) / 3, 12);
  });

  it('leaves out pairs with no shared subject, and names a row with an off-scale rating', () => {
    const r = meanPairwiseWeightedKappa(
      [
        [1, null, 1],
        [2, null, 2],
        [null, 1, null],
      ],
      [1, 2, 3],
      'linear',
    );
    expect(r.pairs.map((p) => [p.n, p.kappa])).toEqual([
      [0, null],
      [2, 1],
      [0, null],
    ]);
    expect(r.kappa).toBe(1);
    expect(() =>
      meanPairwiseWeightedKappa(
        [
          [1, 2],
          [9, 1],
        ],
        [1, 2, 3],
        'linear',
      ),
    ).toThrow(/Row 1/);
  });
});
