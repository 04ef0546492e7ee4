import { describe, expect, it } from 'vitest';
import { METRIC_IDS, METRICS } from '../../../../app/faithfulness';
import { METRIC_DEFINITIONS, evaluateMetric, metricDefinition } from './index';
import { MAP_4X4, RAMP_4X4, expectVerdict, expectVerdictAsync, linearScorer } from './test-fixtures';

// Which way is better, as each reference defines its score (read from the paper or its code, not
// from our definitions): the test fails if a definition's direction drifts from its source.
const PUBLISHED_DIRECTION = {
  // CDAM paper / obzai eval_tool.py: fidelity = A_LIF − A_MIF, a faithful map gives LIF ≫ MIF.
  'cdam-fidelity': 'higher',
  // RISE §4.1: insertion — a sharp rise, a high AUC is good; deletion — a sharp drop, a low AUC is good.
  'rise-insertion': 'higher',
  'rise-deletion': 'lower',
  // LiMA tables: "Insertion ↑", "Deletion ↓".
  'lima-insertion': 'higher',
  'lima-deletion': 'lower',
  // Quantus PixelFlipping: score_direction = ScoreDirection.LOWER.
  'pixel-flipping': 'lower',
  // Sensitivity-n / CDAM paper: a higher correlation between summed relevance and output drop is better.
  'box-sensitivity': 'higher',
  // CDAM paper: compactness, the share of near-zero values, is higher for a sparser map.
  compactness: 'higher',
  // CDAM paper: a class-discriminative map beats the wrong target's map, ΔA > 0.
  'class-discrimination': 'higher',
  // Zhang et al.: pointing accuracy = hits / (hits + misses).
  'pointing-game': 'higher',
  iou: 'higher',
} as const;

describe('faithfulness registry', () => {
  it('defines every metric id once, in the order of app/faithfulness.ts, each citing its reference and the source of its parameters', () => {
    expect(METRIC_DEFINITIONS.map((d) => d.id)).toEqual([...METRIC_IDS]);
    expect(new Set(METRIC_DEFINITIONS.map((d) => d.id)).size).toBe(METRIC_DEFINITIONS.length);
    for (const d of METRIC_DEFINITIONS) {
      expect(d, d.id).toMatchObject(METRICS.find((m) => m.id === d.id)!);
      expect(d.reference.length, d.id).toBeGreaterThan(10);
      expect(d.source.length, d.id).toBeGreaterThan(5);
      expect(d.label.length, d.id).toBeGreaterThan(2);
      expect(d.needs.includes('score'), d.id).toBe(d.scorer !== null);
      expect(typeof d.evaluate, d.id).toBe('function');
    }
  });

  it('gives each metric the score direction its reference publishes', () => {
    expect(Object.fromEntries(METRIC_DEFINITIONS.map((d) => [d.id, d.scoreDirection]))).toEqual(PUBLISHED_DIRECTION);
  });

  it('says what each metric needs, what its scorer returns and which σ it blurs with', () => {
    expect(metricDefinition('cdam-fidelity')).toMatchObject({
      scorer: 'logit',
      scoreDirection: 'higher',
      params: { steps: 40, sigma: 14, unit: 'pixel' },
    });
    // Every blurred metric says which σ it applies at an input size.
    expect(metricDefinition('cdam-fidelity').blurAt!(64, 64)).toEqual({ sigma: 4 });
    expect(metricDefinition('box-sensitivity').blurAt!(64, 64, 'paper')).toEqual({ sigma: 14 });
    expect(metricDefinition('class-discrimination').blurAt!(224, 224)).toEqual({ sigma: 14 });
    expect(metricDefinition('rise-insertion').blurAt!(64, 64)).toEqual({ sigma: expect.closeTo((5 * 64) / 224, 12), radius: 1 });
    expect(metricDefinition('rise-deletion')).toMatchObject({ scorer: 'probability', scoreDirection: 'lower' });
    expect(metricDefinition('class-discrimination').needs).toContain('otherSaliency');
    expect(METRIC_DEFINITIONS.filter((d) => d.needs.includes('mask')).map((d) => d.category)).toEqual(['localisation', 'localisation']);
    expect(METRIC_DEFINITIONS.filter((d) => d.accepts?.includes('regions')).map((d) => d.measuredAs!({ regions: { count: 50 } }))).toEqual([
      "per region of the map's own sub-regions (LiMA's evaluation)",
      "per region of the map's own sub-regions (LiMA's evaluation)",
    ]);
  });

  it('refuses an unknown metric with not-found', () => {
    expectVerdict(() => metricDefinition('nope'), 'not-found');
  });

  it('runs a metric through the registry', async () => {
    const del = await evaluateMetric('rise-deletion', { saliency: MAP_4X4, image: RAMP_4X4, score: linearScorer() });
    expect(del.value).toBeCloseTo(72.5, 12);
    expect(del.forwardPasses).toBe(5);
    expect(del.curves?.curve.scores).toEqual([136, 107, 76, 39, 0]);
    const pf = await evaluateMetric('pixel-flipping', { saliency: MAP_4X4, image: RAMP_4X4, score: linearScorer() });
    expect(pf.value).toBe(198.5);
    const regions = Int32Array.from([1, 1, 0, 0, 1, 1, 0, 0, 2, 2, 0, 0, 2, 2, 0, 0]);
    const lima = await evaluateMetric('lima-deletion', {
      saliency: Float32Array.from(regions, (r) => [1.75, 3, 2][r]),
      image: RAMP_4X4,
      score: linearScorer(),
      regions,
      normalisation: { mean: [0.5], std: [0.5] },
    });
    expect(lima.value).toBeCloseTo(68, 12);
    expect((await evaluateMetric('compactness', { saliency: Float32Array.from([10, -0.5, 0.4, 0, -10, 1, 0.6, 0.5]) })).value).toBe(0.5);
    const mask = Uint8Array.from([0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect((await evaluateMetric('iou', { saliency: MAP_4X4, mask, size: { height: 4, width: 4 } })).value).toBe(0.25);
    expect((await evaluateMetric('pointing-game', { saliency: MAP_4X4, mask, image: RAMP_4X4 })).value).toBe(1);
  });

  it('names what a metric is missing', async () => {
    await expectVerdictAsync(evaluateMetric('rise-insertion', { saliency: MAP_4X4, image: RAMP_4X4 }), 'explain.bad-params', 'score');
    await expectVerdictAsync(
      evaluateMetric('lima-insertion', { saliency: MAP_4X4, image: RAMP_4X4, score: linearScorer() }),
      'explain.bad-params',
      'normalisation',
    );
    await expectVerdictAsync(
      evaluateMetric('class-discrimination', { saliency: MAP_4X4, image: RAMP_4X4, score: linearScorer() }),
      'explain.bad-params',
      'otherSaliency',
    );
    await expectVerdictAsync(
      evaluateMetric('pointing-game', { saliency: MAP_4X4, mask: new Uint8Array(16) }),
      'explain.bad-params',
      'size',
    );
  });
});
