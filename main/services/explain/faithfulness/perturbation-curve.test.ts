// Every point worked out by hand on RAMP_4X4 (pixel i = i + 1, total 136) with the linear
// scorer score = Σ pixels, so a point is 136 minus what was taken away plus what was put in.
import { describe, expect, it } from 'vitest';
import { perturbationCurve } from './perturbation-curve';
import { MAP_4X4, RAMP_4X4, expectVerdictAsync, linearScorer } from './test-fixtures';
import type { CurveSpec, ModelImage } from './types';
import { unitImportance, unitLayout, unitOrder } from './units';

const pixelSpec = (o: Partial<CurveSpec>): CurveSpec => ({
  mode: 'deletion',
  order: 'most-first',
  unit: { kind: 'pixel' },
  substrate: { kind: 'zero' },
  steps: 4,
  ...o,
});

describe('perturbationCurve on pixels', () => {
  it('deletes most-important-first, four pixels a step, ties by index', async () => {
    const score = linearScorer();
    const c = await perturbationCurve(RAMP_4X4, MAP_4X4, pixelSpec({ batchSize: 2 }), score);
    // removes pixels 3,7,5,10 (values 4+8+6+11 = 29), then 1,14,8,4 (31), 13,6,12,2 (37), 11,0,9,15 (39)
    expect(c.fractions).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(c.scores).toEqual([136, 107, 76, 39, 0]);
    expect(c.auc).toBeCloseTo(0.25 * (136 / 2 + 107 + 76 + 39 + 0 / 2), 12); // 72.5
    expect(c.forwardPasses).toBe(5);
    expect(score.batches).toEqual([2, 2, 1]);
  });

  it('deletes least-important-first, ties by index', async () => {
    const c = await perturbationCurve(RAMP_4X4, MAP_4X4, pixelSpec({ order: 'least-first' }), linearScorer());
    // removes 0,9,15,2 (1+10+16+3 = 30), 11,6,12,4 (37), 13,8,1,14 (40), 10,5,7,3 (29)
    expect(c.scores).toEqual([136, 106, 69, 29, 0]);
    expect(c.auc).toBeCloseTo(68, 12);
  });

  it('inserts into the substrate most-important-first', async () => {
    const c = await perturbationCurve(RAMP_4X4, MAP_4X4, pixelSpec({ mode: 'insertion' }), linearScorer());
    expect(c.scores).toEqual([0, 29, 60, 97, 136]);
    expect(c.auc).toBeCloseTo(0.25 * (0 + 29 + 60 + 97 + 136 / 2), 12); // 63.5
  });

  it('changes floor(k·N/steps) units at step k when steps do not divide N', async () => {
    const c = await perturbationCurve(RAMP_4X4, MAP_4X4, pixelSpec({ steps: 3 }), linearScorer());
    // 0, 5, 10, 16 pixels: 3,7,5,10,1 (31); 14,8,4,13,6 (15+9+5+14+7 = 50); the rest (55)
    expect(c.fractions).toEqual([0, 5 / 16, 10 / 16, 1]);
    expect(c.scores).toEqual([136, 105, 55, 0]);
    expect(c.forwardPasses).toBe(4);
  });

  it('replaces every channel with black = (0 − mean_c)/std_c', async () => {
    const image: ModelImage = { data: Float32Array.from([1, 2, 3, 4, 10, 20, 30, 40]), channels: 2, height: 2, width: 2 };
    const saliency = Float32Array.from([0.1, 0.4, 0.3, 0.2]); // order 1, 2, 3, 0
    const weights = [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5];
    const spec: CurveSpec = {
      mode: 'deletion',
      order: 'most-first',
      unit: { kind: 'pixel' },
      substrate: { kind: 'black', mean: [1, 10], std: [0.5, 5] },
      steps: 2,
    };
    const c = await perturbationCurve(image, saliency, spec, linearScorer(weights));
    // black: channel 0 → (0 − 1)/0.5 = −2, channel 1 → (0 − 10)/5 = −2. Full: 10 + 0.5·100 = 60.
    // Pixels 1, 2 go: 60 − (2 + 3) + 2·(−2) − 0.5·(20 + 30) + 0.5·2·(−2) = 24; all: 4·(−2) + 0.5·4·(−2) = −12
    expect(c.scores).toEqual([60, 24, -12]);
  });
});

describe('perturbationCurve on patches and regions', () => {
  it('ranks 2×2 patches by their summed saliency', async () => {
    const c = await perturbationCurve(RAMP_4X4, MAP_4X4, pixelSpec({ unit: { kind: 'patch', size: 2 } }), linearScorer());
    // patch sums of the map: 15, 20, 9, 12 → order 1, 0, 3, 2; patch values 22, 14, 54, 46
    expect(c.scores).toEqual([136, 114, 100, 46, 0]);
  });

  it('cuts edge patches short and can put the share of pixels on x', async () => {
    const layout = unitLayout({ kind: 'patch', size: 3 }, 4, 4);
    expect(layout.count).toBe(4);
    expect([0, 1, 2, 3].map((u) => layout.start[u + 1] - layout.start[u])).toEqual([9, 3, 3, 1]);
    const saliency = Float32Array.from(layout.unitOf, (u) => [1, 4, 3, 9][u] / [9, 3, 3, 1][u]); // sums 1, 4, 3, 9
    const c = await perturbationCurve(RAMP_4X4, saliency, pixelSpec({ unit: { kind: 'patch', size: 3 }, axis: 'area' }), linearScorer());
    // order 3 (pixel 15: 16), 1 (3,7,11: 4+8+12), 2 (12,13,14: 13+14+15), 0 (the rest)
    expect(c.fractions).toEqual([0, 1 / 16, 4 / 16, 7 / 16, 1]);
    expect(c.scores).toEqual([136, 120, 96, 54, 0]);
  });

  it('ranks regions by sum, or by mean with aggregate "mean"', async () => {
    // region 0 = columns 2–3 (8 px, map 1.75), 1 = top-left 2×2 (map 3), 2 = bottom-left 2×2 (map 2)
    const labels = Int32Array.from([1, 1, 0, 0, 1, 1, 0, 0, 2, 2, 0, 0, 2, 2, 0, 0]);
    const saliency = Float32Array.from(labels, (r) => [1.75, 3, 2][r]);
    const layout = unitLayout({ kind: 'region', labels }, 4, 4);
    expect(Array.from(unitOrder(unitImportance(layout, saliency, { kind: 'region', labels }), 'most-first'))).toEqual([0, 1, 2]); // sums 14, 12, 8
    const unit = { kind: 'region', labels, aggregate: 'mean' } as const;
    expect(Array.from(unitOrder(unitImportance(layout, saliency, unit), 'most-first'))).toEqual([1, 2, 0]);
    const c = await perturbationCurve(RAMP_4X4, saliency, pixelSpec({ unit, steps: 3 }), linearScorer());
    // region values 76, 14, 46
    expect(c.fractions).toEqual([0, 1 / 3, 2 / 3, 1]);
    expect(c.scores).toEqual([136, 122, 76, 0]);
  });

  it('refuses region ids that leave a region empty', async () => {
    const labels = new Int32Array(16).fill(2);
    await expectVerdictAsync(
      perturbationCurve(RAMP_4X4, MAP_4X4, pixelSpec({ unit: { kind: 'region', labels }, steps: 1 }), linearScorer()),
      'explain.bad-params',
      'unit.labels',
    );
  });
});

describe('random order', () => {
  it('is a permutation reproducible from its seed and different for another seed', async () => {
    const importance = new Float64Array(16);
    const a = Array.from(unitOrder(importance, 'random', 7));
    expect(Array.from(unitOrder(importance, 'random', 7))).toEqual(a);
    expect(Array.from(unitOrder(importance, 'random', 8))).not.toEqual(a);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    const one = await perturbationCurve(RAMP_4X4, MAP_4X4, pixelSpec({ order: 'random', seed: 7 }), linearScorer());
    const again = await perturbationCurve(RAMP_4X4, MAP_4X4, pixelSpec({ order: 'random', seed: 7 }), linearScorer());
    const other = await perturbationCurve(RAMP_4X4, MAP_4X4, pixelSpec({ order: 'random', seed: 8 }), linearScorer());
    expect(again.scores).toEqual(one.scores);
    expect(other.scores).not.toEqual(one.scores);
    // the first step removes the first four pixels of the shuffled order
    expect(one.scores[1]).toBe(136 - a.slice(0, 4).reduce((s, i) => s + i + 1, 0));
  });
});

describe('cancellation and bad input', () => {
  it('throws explain.cancelled before the first batch of an aborted signal', async () => {
    const ac = new AbortController();
    ac.abort();
    const score = linearScorer();
    await expectVerdictAsync(perturbationCurve(RAMP_4X4, MAP_4X4, pixelSpec({}), score, ac.signal), 'explain.cancelled');
    expect(score.batches).toEqual([]);
  });

  it('stops between batches once cancelled', async () => {
    const ac = new AbortController();
    const inner = linearScorer();
    const score = async (images: Float32Array, batch: number) => {
      ac.abort();
      return inner(images, batch);
    };
    await expectVerdictAsync(perturbationCurve(RAMP_4X4, MAP_4X4, pixelSpec({ batchSize: 2 }), score, ac.signal), 'explain.cancelled');
    expect(inner.batches).toEqual([2]);
  });

  it('names the bad parameter', async () => {
    const s = linearScorer();
    await expectVerdictAsync(perturbationCurve(RAMP_4X4, MAP_4X4, pixelSpec({ steps: 17 }), s), 'explain.bad-params', 'spec.steps');
    await expectVerdictAsync(perturbationCurve(RAMP_4X4, MAP_4X4, pixelSpec({ steps: 0 }), s), 'explain.bad-params', 'spec.steps');
    await expectVerdictAsync(perturbationCurve(RAMP_4X4, new Float32Array(15), pixelSpec({}), s), 'explain.bad-params', 'saliency');
    await expectVerdictAsync(perturbationCurve(RAMP_4X4, MAP_4X4, pixelSpec({ batchSize: 0 }), s), 'explain.bad-params', 'batchSize');
    await expectVerdictAsync(
      perturbationCurve({ ...RAMP_4X4, channels: 2 }, MAP_4X4, pixelSpec({}), s),
      'explain.bad-params',
      'image.data',
    );
    await expectVerdictAsync(
      perturbationCurve(RAMP_4X4, MAP_4X4, pixelSpec({ substrate: { kind: 'black', mean: [0, 0], std: [1, 1] } }), s),
      'explain.bad-params',
      'substrate.mean',
    );
    await expectVerdictAsync(
      perturbationCurve(RAMP_4X4, MAP_4X4, pixelSpec({ unit: { kind: 'patch', size: 0 } }), s),
      'explain.bad-params',
      'unit.size',
    );
    await expectVerdictAsync(
      perturbationCurve(
        RAMP_4X4,
        Float32Array.from(MAP_4X4, (v, i) => (i === 3 ? NaN : v)),
        pixelSpec({}),
        s,
      ),
      'explain.bad-params',
      'saliency',
    );
  });

  it('refuses a scorer that does not return one number per image', async () => {
    const short = async () => new Float64Array(1);
    await expectVerdictAsync(perturbationCurve(RAMP_4X4, MAP_4X4, pixelSpec({ batchSize: 3 }), short), 'explain.inference-failed');
  });
});
