// Known answers by hand (deletion into zeros, four pixels = one row a step on RAMP_4X4) and from
// scipy.ndimage.gaussian_filter(σ = 5, truncate = 1, mode = 'reflect'), i.e. RISE's σ = 5 on
// an 11×11 kernel, for the insertion substrate.
import { describe, expect, it } from 'vitest';
import { RISE, riseBlur, riseCurveSpec, riseDeletion, riseInsertion } from './rise';
import { MAP_4X4, RAMP_4X4, WEIGHTS_4X4, expectVerdict, linearScorer } from './test-fixtures';

/** eclique/RISE evaluation.py auc(): (Σ arr − arr₀/2 − arr_n/2)/n. */
const riseAuc = (a: number[]) => (a.reduce((s, v) => s + v, 0) - a[0] / 2 - a[a.length - 1] / 2) / (a.length - 1);

describe('RISE deletion and insertion', () => {
  it('steps one image row at a time; zeros for deletion, σ = 5 on 11 taps for insertion', () => {
    expect(RISE).toEqual({ deletionSubstrate: 'zero', insertionSigma: 5, insertionRadius: 5, score: 'probability' });
    const big = { data: new Float32Array(3 * 224 * 224), channels: 3, height: 224, width: 224 };
    expect(riseCurveSpec('deletion', big)).toMatchObject({ steps: 224, order: 'most-first', substrate: { kind: 'zero' } });
    expect(riseCurveSpec('insertion', big)).toMatchObject({ steps: 224, substrate: { kind: 'blur', sigma: 5, radius: 5 } });
    expectVerdict(() => riseCurveSpec('deletion', RAMP_4X4, { pixelsPerStep: 3 }), 'explain.bad-params', 'pixelsPerStep');
  });

  it("scales the insertion blur to the input by default (σ = 5·64/224 on 3×3 at 64 px), keeps 5 on 11×11 with blur 'paper'", () => {
    const small = { data: new Float32Array(64 * 64), channels: 1, height: 64, width: 64 };
    expect(riseCurveSpec('insertion', small).substrate).toEqual({ kind: 'blur', sigma: expect.closeTo((5 * 64) / 224, 12), radius: 1 });
    expect(riseCurveSpec('insertion', small, { blur: 'paper' }).substrate).toEqual({ kind: 'blur', sigma: 5, radius: 5 });
    expect(riseBlur(112, 112)).toEqual({ sigma: expect.closeTo(2.5, 12), radius: 3 }); // round(2.5) = 3
    expectVerdict(() => riseCurveSpec('insertion', small, { blur: 'huge' as never }), 'explain.bad-params', 'blur');
  });

  it('deletion: most salient row-worth of pixels into zeros, AUC as RISE computes it', async () => {
    const c = await riseDeletion(RAMP_4X4, MAP_4X4, linearScorer());
    expect(c.scores).toEqual([136, 107, 76, 39, 0]);
    expect(c.auc).toBeCloseTo(72.5, 12);
    expect(c.auc).toBeCloseTo(riseAuc(c.scores), 12);
  });

  it('insertion: from the blurred image, most salient first', async () => {
    const c = await riseInsertion(RAMP_4X4, MAP_4X4, linearScorer(WEIGHTS_4X4), { blur: 'paper' });
    const scipy = [-18.8023586, -23.82791931, -9.32646265, -1.47526406, -2];
    scipy.forEach((v, i) => expect(c.scores[i]).toBeCloseTo(v, 4));
    expect(c.auc).toBeCloseTo(-11.25770633, 4);
    expect(c.forwardPasses).toBe(5);
  });
});
