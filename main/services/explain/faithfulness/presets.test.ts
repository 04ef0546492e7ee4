import { describe, expect, it } from 'vitest';
import { PRESETS, evaluatePreset, preset } from './presets';
import { MAP_4X4, RAMP_4X4, expectVerdict, expectVerdictAsync, linearScorer } from './test-fixtures';

describe('faithfulness registry', () => {
  it('has unique ids, each citing its reference and the source of its parameters', () => {
    expect(new Set(PRESETS.map((p) => p.id)).size).toBe(PRESETS.length);
    expect(PRESETS.map((p) => p.id)).toEqual([
      'cdam-fidelity', 'rise-deletion', 'rise-insertion', 'lima-insertion', 'lima-deletion',
      'pixel-flipping', 'box-sensitivity', 'compactness', 'class-discrimination', 'pointing-game', 'iou',
    ]);
    for (const p of PRESETS) {
      expect(p.reference.length).toBeGreaterThan(10);
      expect(p.source.length).toBeGreaterThan(5);
      expect(p.needs.includes('score')).toBe(p.scorer !== null);
    }
    expect(preset('cdam-fidelity')).toMatchObject({ scorer: 'logit', scoreDirection: 'higher', params: { steps: 40, sigma: 14, unit: 'pixel' } });
    // Every blurred metric says which σ it applies at an input size.
    expect(preset('cdam-fidelity').blurAt!(64, 64)).toEqual({ sigma: 4 });
    expect(preset('box-sensitivity').blurAt!(64, 64, 'paper')).toEqual({ sigma: 14 });
    expect(preset('class-discrimination').blurAt!(224, 224)).toEqual({ sigma: 14 });
    expect(preset('rise-insertion').blurAt!(64, 64)).toEqual({ sigma: expect.closeTo(5 * 64 / 224, 12), radius: 1 });
    expect(preset('rise-deletion')).toMatchObject({ scorer: 'probability', scoreDirection: 'lower' });
  });

  it('refuses an unknown metric with not-found', () => {
    expectVerdict(() => preset('nope'), 'not-found');
  });

  it('runs a metric through the registry', async () => {
    const del = await evaluatePreset('rise-deletion', { saliency: MAP_4X4, image: RAMP_4X4, score: linearScorer() });
    expect(del.value).toBeCloseTo(72.5, 12);
    expect(del.forwardPasses).toBe(5);
    expect(del.curves?.curve.scores).toEqual([136, 107, 76, 39, 0]);
    const pf = await evaluatePreset('pixel-flipping', { saliency: MAP_4X4, image: RAMP_4X4, score: linearScorer() });
    expect(pf.value).toBe(198.5);
    const regions = Int32Array.from([1, 1, 0, 0, 1, 1, 0, 0, 2, 2, 0, 0, 2, 2, 0, 0]);
    const lima = await evaluatePreset('lima-deletion', { saliency: Float32Array.from(regions, (r) => [1.75, 3, 2][r]), image: RAMP_4X4, score: linearScorer(), regions, normalisation: { mean: [0.5], std: [0.5] } });
    expect(lima.value).toBeCloseTo(68, 12);
    expect((await evaluatePreset('compactness', { saliency: Float32Array.from([10, -0.5, 0.4, 0, -10, 1, 0.6, 0.5]) })).value).toBe(0.5);
    const mask = Uint8Array.from([0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect((await evaluatePreset('iou', { saliency: MAP_4X4, mask, size: { height: 4, width: 4 } })).value).toBe(0.25);
    expect((await evaluatePreset('pointing-game', { saliency: MAP_4X4, mask, image: RAMP_4X4 })).value).toBe(1);
  });

  it('names what a metric is missing', async () => {
    await expectVerdictAsync(evaluatePreset('rise-insertion', { saliency: MAP_4X4, image: RAMP_4X4 }), 'explain.bad-params', 'score');
    await expectVerdictAsync(evaluatePreset('lima-insertion', { saliency: MAP_4X4, image: RAMP_4X4, score: linearScorer() }), 'explain.bad-params', 'normalisation');
    await expectVerdictAsync(evaluatePreset('class-discrimination', { saliency: MAP_4X4, image: RAMP_4X4, score: linearScorer() }), 'explain.bad-params', 'otherSaliency');
    await expectVerdictAsync(evaluatePreset('pointing-game', { saliency: MAP_4X4, mask: new Uint8Array(16) }), 'explain.bad-params', 'size');
  });
});
