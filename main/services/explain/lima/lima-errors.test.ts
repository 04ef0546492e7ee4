// Cancellation between batches and refusals with stable codes.
import { describe, expect, it } from 'vitest';
import { VerdictError } from '../../../../app/errors';
import { LIMA_DEFAULTS } from './defaults';
import { limaAttribution } from './lima';
import { counting, gridLabels, squareImage, squareModel } from './test-models';
import type { BatchEvaluator, LimaParams } from './types';

const box = { y0: 8, x0: 8, y1: 16, x1: 16 };
const image = squareImage(24, 24, box);
const labels = gridLabels(3, 3, 24, 24);
const model = squareModel(image, box);
const params = (over: Partial<LimaParams> = {}): LimaParams => ({ ...LIMA_DEFAULTS, ...over });

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(VerdictError);
    return (e as VerdictError).code;
  }
  return 'resolved';
}

describe('cancellation', () => {
  it.each(['bidirectional', 'naive', 'bidirectional-cached', 'greedy-cached'] as const)(
    'stops between batches with explain.cancelled (%s)',
    async (search) => {
      const controller = new AbortController();
      const { evaluate, stats } = counting(async (images, batch) => {
        if (stats.calls === 3) controller.abort();
        return model(images, batch);
      });
      expect(await code(limaAttribution(image, evaluate, params({ search, batchSize: 2 }), { labels, signal: controller.signal }))).toBe(
        'explain.cancelled',
      );
      expect(stats.calls).toBe(3);
    },
  );

  it('does not start when already cancelled', async () => {
    const { evaluate, stats } = counting(model);
    expect(await code(limaAttribution(image, evaluate, params(), { labels, signal: AbortSignal.abort() }))).toBe('explain.cancelled');
    expect(stats.calls).toBe(0);
  });
});

describe('refusals', () => {
  it.each([
    [{ pending: 0 }],
    [{ pending: 2.5 }],
    [{ batchSize: 0 }],
    [{ regions: 0 }],
    [{ compactness: -1 }],
    [{ lazyBatch: 0 }],
    [{ search: 'random' as never }],
    [{ weights: { consistency: 20, collaboration: NaN, confidence: 0, effectiveness: 0 } }],
  ])('refuses %o with explain.bad-params', async (over) => {
    expect(await code(limaAttribution(image, model, params(over), { labels }))).toBe('explain.bad-params');
  });

  it('refuses a malformed image or partition with explain.bad-params', async () => {
    expect(await code(limaAttribution({ ...image, width: 23 }, model, params()))).toBe('explain.bad-params');
    expect(await code(limaAttribution(image, model, params(), { labels: labels.subarray(1) }))).toBe('explain.bad-params');
    const gap = labels.map((l) => (l === 4 ? 9 : l));
    expect(await code(limaAttribution(image, model, params(), { labels: gap }))).toBe('explain.bad-params');
  });

  it('refuses an evaluator that answers the wrong shape with explain.inference-failed', async () => {
    const short: BatchEvaluator = async (images, batch) => ({ ...(await model(images, batch)), probability: new Float64Array(batch - 1) });
    expect(await code(limaAttribution(image, short, params(), { labels }))).toBe('explain.inference-failed');
    const noEmbedding: BatchEvaluator = async (images, batch) => ({
      ...(await model(images, batch)),
      embedding: new Float32Array(0),
      dim: 0,
    });
    const withEffectiveness = params({ weights: { consistency: 1, collaboration: 1, confidence: 0, effectiveness: 0.05 } });
    expect(await code(limaAttribution(image, noEmbedding, withEffectiveness, { labels }))).toBe('explain.inference-failed');
    expect(await code(limaAttribution(image, noEmbedding, params(), { labels }))).toBe('resolved'); // no effectiveness, no embeddings read
  });

  it.each(['bidirectional', 'naive', 'bidirectional-cached', 'greedy-cached'] as const)(
    'refuses a score that is not a probability or a term that is NaN, naming the term, instead of ranking by id (%s)',
    async (search) => {
      const failure = async (evaluate: BatchEvaluator) => {
        try {
          await limaAttribution(image, evaluate, params({ search }), { labels });
        } catch (e) {
          return { code: (e as VerdictError).code, term: (e as VerdictError).detail?.term, message: (e as Error).message };
        }
        return null;
      };
      // A regression output's raw value (3.2 and around): once, it reached the confidence term as NaN.
      const raw: BatchEvaluator = async (images, batch) => ({
        ...(await model(images, batch)),
        probability: new Float64Array(batch).fill(3.2),
      });
      expect(await failure(raw)).toMatchObject({
        code: 'explain.inference-failed',
        term: 'consistency',
        message: expect.stringMatching(/returned 3\.2/),
      });
      const nanDistribution: BatchEvaluator = async (images, batch) => ({
        ...(await model(images, batch)),
        probabilities: new Float64Array(2 * batch).fill(NaN),
        classes: 2,
      });
      expect(await failure(nanDistribution)).toMatchObject({
        code: 'explain.inference-failed',
        term: 'confidence',
        message: expect.stringMatching(/confidence term is NaN/),
      });
    },
  );
});
