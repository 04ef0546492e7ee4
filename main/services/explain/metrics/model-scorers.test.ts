// The model as metrics and LiMA see it: per image the target's score within its head, chunked
// through the backbone — checked with a fake backbone whose logits are known.
import { describe, expect, it } from 'vitest';
import { VerdictError } from '../../../../app/errors';
import type { BackbonePass, Dims, GraphRunner } from '../../models/model-runtime';
import type { Manifest } from '../../models/manifest';
import { probabilityAndEmbedding, targetScorer } from './model-scorers';

// Two heads: a 3-class head (outputs 0…2) and a regression unit (output 3).
const manifest = {
  outputs: [
    { head: 'diagnosis', kind: 'class-logits', units: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] },
    { head: 'size', kind: 'regression', units: [{ name: 'mm' }] },
  ],
} as unknown as Manifest;

const dims: Dims = {
  channels: 1,
  height: 2,
  width: 2,
  outputs: 4,
  patches: 1,
  tokens: 2,
  dim: 2,
  heads: 1,
  axes: 0,
  prototypes: 0,
  grid: { rows: 1, cols: 1 },
};

/** Image i (its first pixel holds i) gets logits (i, 0, −i) and size 10 + i; embedding (i, 1). */
function fakeModel(): GraphRunner {
  return {
    dims,
    provider: 'fake',
    tail: async () => {
      throw new Error('unused');
    },
    backbone: async (images, batch): Promise<BackbonePass> => {
      const outputs = new Float32Array(batch * 4);
      const embedding = new Float32Array(batch * 2);
      for (let b = 0; b < batch; b++) {
        const i = images[b * 4];
        outputs.set([i, 0, -i, 10 + i], b * 4);
        embedding.set([i, 1], b * 2);
      }
      return { batch, outputs, attention: new Float32Array(0), residual: new Float32Array(0), embedding };
    },
  };
}

/** 40 images (more than one chunk of 32), image i filled with i. */
const images = Float32Array.from({ length: 40 * 4 }, (_, k) => Math.floor(k / 4));

const softmax3 = (i: number) => {
  const e = [Math.exp(i), 1, Math.exp(-i)];
  const s = e[0] + e[1] + e[2];
  return e.map((x) => x / s);
};

describe('probabilityAndEmbedding (LiMA)', () => {
  it('gives the target probability and the whole head distribution, which LiMA’s confidence needs', async () => {
    const ev = probabilityAndEmbedding(fakeModel(), manifest, 0);
    const r = await ev.evaluate(images, 40);
    expect(r.classes).toBe(3);
    expect(r.probabilities).toHaveLength(120);
    for (const i of [0, 1, 5, 33, 39]) {
      const p = softmax3(i);
      expect(r.probability[i]).toBeCloseTo(p[0], 12);
      expect(Array.from(r.probabilities!.subarray(i * 3, i * 3 + 3))).toEqual(p.map((x) => expect.closeTo(x, 12)));
      expect(Array.from(r.embedding.subarray(i * 2, i * 2 + 2))).toEqual([i, 1]);
    }
    expect(ev.passes).toBe(40);
  });

  it('refuses a regression target, naming it, its head and why (LiMA scores class probabilities)', () => {
    let error: unknown;
    try {
      probabilityAndEmbedding(fakeModel(), manifest, 3);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VerdictError);
    expect(error).toMatchObject({ code: 'explain.bad-target', detail: { method: 'lima', target: 'mm', head: 'size', kind: 'regression' } });
    expect((error as Error).message).toMatch(/LiMA cannot explain "mm": it is a regression output \(head "size"\).*class probabilities/);
  });
});

describe('targetScorer', () => {
  it('scores the logit or the probability within the head', async () => {
    const logit = await targetScorer(fakeModel(), manifest, 2, 'logit').score(images, 40);
    const prob = await targetScorer(fakeModel(), manifest, 2, 'probability').score(images, 40);
    expect(logit[35]).toBe(-35);
    expect(prob[2]).toBeCloseTo(softmax3(2)[2], 12);
  });
});
