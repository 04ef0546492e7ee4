// LiMA end to end on toy models with a known answer: the decisive region ranks first, the
// curves are what the model says about the ranked prefixes, and gains/importance follow them.
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../../app/mulberry32';
import { LIMA_DEFAULTS, LIMA_WEIGHTS } from './defaults';
import { insertionDeletionAuc } from './importance';
import { limaAttribution } from './lima';
import { binaryConfidence } from './scores';
import { additiveModel, type Box, counting, gridLabels, squareImage, squareModel } from './test-models';
import type { BatchEvaluator, LimaParams, LimaSearch, ModelImage } from './types';

const SEARCHES: LimaSearch[] = ['bidirectional', 'naive', 'bidirectional-cached', 'greedy-cached'];
const params = (over: Partial<LimaParams> = {}): LimaParams => ({ ...LIMA_DEFAULTS, ...over });

/** The image keeping the given regions, the rest 0 (black). */
function keep(image: ModelImage, labels: Int32Array, regions: readonly number[]): Float32Array {
  const kept = new Set(regions);
  const n = image.height * image.width;
  const out = new Float32Array(image.data.length);
  for (let c = 0; c < image.channels; c++) for (let p = 0; p < n; p++) out[c * n + p] = kept.has(labels[p]) ? image.data[c * n + p] : 0;
  return out;
}

async function p1(evaluate: BatchEvaluator, data: Float32Array): Promise<number> {
  return (await evaluate(data, 1)).probability[0];
}

describe('LiMA on a model that looks at one square', () => {
  const box: Box = { y0: 19, x0: 26, y1: 32, x1: 39 };
  const image = squareImage(64, 64, box);
  const square = (labels: Int32Array) => labels[25 * 64 + 32];

  it.each(SEARCHES)("ranks the square's region first (%s, SLIC regions)", async (search) => {
    const r = await limaAttribution(image, squareModel(image, box), params({ regions: 16, search }));
    expect(r.regionCount).toBe(16);
    expect(r.ranking[0]).toBe(square(r.labels));
    expect([...r.ranking].sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    const centre = 25 * 64 + 32;
    expect(r.importance[centre]).toBe(1);
    expect(Math.max(...r.importance)).toBe(1);
    expect(Math.min(...r.importance)).toBe(0);
  });

  it('does so with the whole class distribution, with an effectiveness term and with ~50 regions', async () => {
    const withClasses = await limaAttribution(image, squareModel(image, box, { classes: 5 }), params({ regions: 16 }));
    expect(withClasses.ranking[0]).toBe(square(withClasses.labels));
    const vl = await limaAttribution(
      image,
      squareModel(image, box),
      params({ regions: 16, weights: { ...LIMA_WEIGHTS['vision-language'] } }),
    );
    expect(vl.ranking[0]).toBe(square(vl.labels));
    const fifty = await limaAttribution(image, squareModel(image, box), params({ regions: 50 }));
    expect(fifty.regionCount).toBeGreaterThanOrEqual(45);
    expect(fifty.ranking[0]).toBe(square(fifty.labels));
    expect(insertionDeletionAuc(fifty).insertion).toBeGreaterThan(insertionDeletionAuc(fifty).deletion);
  });

  it('fails to find it when the model looks elsewhere (the test can fail)', async () => {
    const elsewhere: Box = { y0: 0, x0: 0, y1: 12, x1: 12 };
    const r = await limaAttribution(image, squareModel(image, elsewhere), params({ regions: 16 }));
    expect(r.ranking[0]).not.toBe(square(r.labels));
    expect(r.ranking[0]).toBe(r.labels[5 * 64 + 5]);
  });
});

describe('curves, gains and importance', () => {
  // synthetic:rgb_30x40_grid_4x5 with seeded colours; an additive model with seeded region weights
  const H = 30,
    W = 40;
  const rand = mulberry32(11);
  const image: ModelImage = { data: Float32Array.from({ length: 3 * H * W }, () => 0.1 + 0.9 * rand()), channels: 3, height: H, width: W };
  const labels = gridLabels(4, 5, H, W);
  const weights = Array.from({ length: 20 }, () => 4 * rand() - 1);
  const model = additiveModel(image, labels, weights, 3);

  it.each(SEARCHES)('every point of both curves is the model on that prefix (%s)', async (search) => {
    const r = await limaAttribution(image, model, params({ search, pending: 3 }), { labels });
    expect(r.insertion).toHaveLength(r.regionCount + 1);
    expect(r.deletion).toHaveLength(r.regionCount + 1);
    const full = await p1(model, image.data);
    const black = await p1(model, new Float32Array(image.data.length));
    expect(r.insertion[0]).toBe(black);
    expect(r.insertion[20]).toBe(full);
    expect(r.deletion[0]).toBe(full);
    expect(r.deletion[20]).toBe(black);
    for (let k = 1; k < 20; k++) {
      const prefix = r.ranking.slice(0, k);
      expect(r.insertion[k]).toBe(await p1(model, keep(image, labels, prefix)));
      expect(r.deletion[k]).toBe(await p1(model, keep(image, labels, r.ranking.slice(k))));
    }
  });

  it.each(SEARCHES)('puts the most helpful regions first and the most harmful last (%s)', async (search) => {
    const r = await limaAttribution(image, model, params({ search, pending: 3 }), { labels });
    const byWeight = weights.map((_, i) => i).sort((a, b) => weights[a] - weights[b]);
    expect(r.ranking[0]).toBe(byWeight[19]);
    expect(r.ranking[19]).toBe(byWeight[0]);
    expect(byWeight.slice(0, 4)).toEqual(expect.arrayContaining(r.ranking.slice(17)));
  });

  it("gains are the objective's steps along the ranking and sum to F(V) − F(∅)", async () => {
    const w = LIMA_WEIGHTS.classifier;
    const r = await limaAttribution(image, model, params({ pending: 3 }), { labels });
    const F = (k: number) =>
      w.consistency * r.insertion[k] + w.collaboration * (1 - r.deletion[k]) + w.confidence * binaryConfidence(r.insertion[k]);
    r.gains.forEach((g, k) => expect(g).toBeCloseTo(F(k + 1) - F(k), 10));
    expect(r.gains.reduce((a, b) => a + b, 0)).toBeCloseTo(F(20) - F(0), 10);
    // greedy picks good regions first: the first gain beats the median gain
    expect(r.gains[0]).toBeGreaterThan([...r.gains].sort((a, b) => a - b)[10]);
  });

  it('importance falls along the ranking from 1 to 0 in steps of |Δ(consistency + collaboration)|', async () => {
    const r = await limaAttribution(image, model, params({ pending: 3 }), { labels });
    const value = (region: number) => r.importance[labels.indexOf(region)];
    const v = r.ranking.map(value);
    expect(v[0]).toBe(1);
    expect(v[19]).toBe(0);
    for (let k = 1; k < 20; k++) expect(v[k]).toBeLessThanOrEqual(v[k - 1]);
    const both = (k: number) => r.insertion[k] + 1 - r.deletion[k];
    const steps = Array.from({ length: 20 }, (_, k) => Math.abs(both(k + 1) - both(k)));
    const span = steps.slice(1).reduce((a, b) => a + b, 0);
    expect(v[1]).toBeCloseTo(1 - steps[1] / span, 5);
    for (let p = 0; p < labels.length; p++) expect(r.importance[p]).toBe(value(labels[p]));
  });

  it("blacks regions out with the normalisation's black, or the given substrate", async () => {
    const seen: Float32Array[] = [];
    const spy: BatchEvaluator = async (images, batch) => {
      seen.push(images.slice());
      return model(images, batch);
    };
    const normalisation = { mean: [0.5, 0.4, 0.3], std: [0.25, 0.2, 0.1] };
    await limaAttribution(image, spy, params({ pending: 3, batchSize: 1000 }), { labels, normalisation });
    const last = seen[seen.length - 1]; // the full image, then the black one
    const n = H * W;
    expect(Array.from(last.subarray(0, 3 * n))).toEqual(Array.from(image.data));
    for (let c = 0; c < 3; c++) expect(last[3 * n + c * n + 7]).toBeCloseTo(-normalisation.mean[c] / normalisation.std[c], 6);
    seen.length = 0;
    await limaAttribution(image, spy, params({ pending: 3, batchSize: 1000 }), { labels, normalisation, substrate: 0.25 });
    expect(seen[seen.length - 1][3 * n + 2 * n + 7]).toBe(0.25);
  });

  it('sends at most batchSize images per call and reports progress up to the pass count', async () => {
    const { evaluate, stats } = counting(model);
    const seen: [number, number][] = [];
    const r = await limaAttribution(image, evaluate, params({ pending: 3, batchSize: 7 }), {
      labels,
      progress: (d, t) => seen.push([d, t]),
    });
    expect(stats.maxBatch).toBe(7);
    expect(stats.images).toBe(r.forwardPasses);
    for (let i = 1; i < seen.length; i++) expect(seen[i][0]).toBeGreaterThanOrEqual(seen[i - 1][0]);
    expect(seen[seen.length - 1]).toEqual([r.forwardPasses, r.forwardPasses]);
    expect(seen.every(([d, t]) => d <= t)).toBe(true);
  });
});
