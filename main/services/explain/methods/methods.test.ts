// The method registry: references cited, parameters normalised (defaults, refusals), and the
// batching of Smooth and Integrated CDAM into one tail call — checked with a fake model whose
// tail records what it was given.
import { describe, expect, it } from 'vitest';
import { METHOD_IDS, descriptor } from '../../../../app/methods';
import type { BackbonePass, Dims, GraphRunner, TailPass } from '../../models/model-runtime';
import { METHODS, method, normaliseParams } from './index';
import { noiseSeed } from './smooth-cdam';

/** White-box methods use neither the input image nor progress. */
const unused = { manifest: undefined as never, image: new Float32Array(0), signal: new AbortController().signal, progress: () => {} };

const dims: Dims = {
  channels: 1,
  height: 4,
  width: 4,
  outputs: 3,
  patches: 4,
  tokens: 5,
  dim: 2,
  heads: 2,
  axes: 0,
  prototypes: 0,
  grid: { rows: 2, cols: 2 },
};

/** synthetic model: cdam = the residual's patch tokens summed over features, times the seed/concept weight. */
function fakeModel() {
  const calls: { batch: number; residual: Float32Array; seed: Float32Array; concept: Float32Array }[] = [];
  const model: GraphRunner = {
    dims,
    provider: 'fake',
    backbone: async () => {
      throw new Error('unused');
    },
    tail: async (residual, seed, concept, batch): Promise<TailPass> => {
      calls.push({ batch, residual, seed, concept });
      const cdam = new Float32Array(batch * dims.patches);
      for (let b = 0; b < batch; b++) {
        const weight =
          seed.subarray(b * 3, b * 3 + 3).reduce((a, v, i) => a + v * (i + 1), 0) +
          concept.subarray(b * 2, b * 2 + 2).reduce((a, v) => a + v, 0);
        for (let p = 0; p < dims.patches; p++)
          cdam[b * 4 + p] = weight * (residual[b * 10 + (p + 1) * 2] + residual[b * 10 + (p + 1) * 2 + 1]);
      }
      return { batch, outputs: new Float32Array(batch * 3), cdam };
    },
  };
  return { model, calls };
}

const pass: BackbonePass = {
  batch: 1,
  outputs: Float32Array.of(1, 2, 3),
  attention: Float32Array.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8),
  residual: Float32Array.of(9, 9, 1, 0, 2, 0, 3, 0, 4, 0), // CLS, then patches 1…4
  embedding: Float32Array.of(0, 0),
};

describe('explanation methods', () => {
  it('registers every method once, each its descriptor plus a computation', () => {
    expect(METHODS.map((m) => m.id)).toEqual([...METHOD_IDS]);
    for (const id of METHOD_IDS) {
      expect(method(id)).toMatchObject(descriptor(id));
      expect(typeof method(id).compute).toBe('function');
    }
    for (const m of METHODS) expect(m.reference).toMatch(/\w+.*(19|20)\d\d|arXiv|obzai\/CDAM/);
    expect(() => method('score-cam')).toThrow(/No explanation method "score-cam"/);
  });

  it('normalises parameters: defaults filled, sorted, and foreign ones refused', () => {
    expect(normaliseParams(method('smooth-cdam'), undefined, 2)).toEqual({ noiseLevel: 0.05, samples: 50, seed: 0 });
    expect(Object.keys(normaliseParams(method('smooth-cdam'), { seed: 3, samples: 4 }, 2))).toEqual(['noiseLevel', 'samples', 'seed']);
    expect(normaliseParams(method('integrated-cdam'), {}, 2)).toEqual({ steps: 50 });
    expect(normaliseParams(method('attention'), {}, 2)).toEqual({});
    expect(normaliseParams(method('attention'), { head: 1 }, 2)).toEqual({ head: 1 });
    expect(normaliseParams(method('cdam'), {}, 2)).toEqual({});
    expect(() => normaliseParams(method('cdam'), { samples: 5 }, 2)).toThrow(/CDAM takes no "samples" parameter/);
    expect(() => normaliseParams(method('integrated-cdam'), { seed: 5 }, 2)).toThrow(/takes no "seed" parameter; it takes steps/);
    expect(() => normaliseParams(method('attention'), { head: 2 }, 2)).toThrow(/head 2 does not exist: the model has 2 heads/);
    // Each in its own range, as the descriptor gives it.
    expect(() => normaliseParams(method('lima'), { regions: 2 }, 2)).toThrow(
      /LiMA: regions must be a whole number from 4 to 400 \(got 2\)/,
    );
    expect(() => normaliseParams(method('smooth-cdam'), { samples: 2.5 }, 2)).toThrow(/samples must be a whole number/);
    expect(normaliseParams(method('lima'), {}, 2)).toEqual({ pending: 8, regions: 50 });
  });

  it('attention: one head, or the mean over heads', async () => {
    const { model } = fakeModel();
    const run = (params = {}) =>
      method('attention').compute({ ...unused, model, pass, target: { kind: 'none', name: 'attention' }, params });
    expect(Array.from(await run({ head: 1 }))).toEqual(Array.from(Float32Array.of(0.5, 0.6, 0.7, 0.8)));
    expect(Array.from(await run())).toEqual(Array.from(Float32Array.of(0.3, 0.4, 0.5, 0.6)));
  });

  it('CDAM seeds one-hot on the target; concept CDAM seeds zeros and passes the concept', async () => {
    const { model, calls } = fakeModel();
    expect(
      Array.from(await method('cdam').compute({ ...unused, model, pass, target: { kind: 'output', name: 'c', index: 2 }, params: {} })),
    ).toEqual([3, 6, 9, 12]);
    expect(Array.from(calls[0].seed)).toEqual([0, 0, 1]);
    expect(Array.from(calls[0].concept)).toEqual([0, 0]);
    await method('concept-cdam').compute({
      ...unused,
      model,
      pass,
      target: { kind: 'concept', name: 'x', vector: Float32Array.of(0.5, 2) },
      params: {},
    });
    expect(Array.from(calls[1].seed)).toEqual([0, 0, 0]);
    expect(Array.from(calls[1].concept)).toEqual([0.5, 2]);
  });

  it('Integrated CDAM: one call, residual × k/steps for k = 1…steps−1, maps averaged', async () => {
    const { model, calls } = fakeModel();
    const map = await method('integrated-cdam').compute({
      ...unused,
      model,
      pass,
      target: { kind: 'output', name: 'a', index: 0 },
      params: { steps: 4 },
    });
    expect(calls).toHaveLength(1);
    expect(calls[0].batch).toBe(3);
    expect(calls[0].residual[10 + 2]).toBeCloseTo(2 / 4); // sample k=2, patch 1
    expect(calls[0].residual[20 + 8]).toBeCloseTo((3 * 4) / 4);
    // The fake is linear in the residual: mean of k/4 for k = 1, 2, 3 is 1/2.
    expect(Array.from(map)).toEqual([0.5, 1, 1.5, 2]);
  });

  it('Smooth CDAM: one call of `samples`, noise σ = level·range, reproducible from the seed', async () => {
    const { model, calls } = fakeModel();
    const run = (seed: number) =>
      method('smooth-cdam').compute({
        ...unused,
        model,
        pass,
        target: { kind: 'output', name: 'a', index: 0 },
        params: { samples: 6, noiseLevel: 0.1, seed },
      });
    const a = await run(5);
    expect(calls[0].batch).toBe(6);
    const noise = Array.from(calls[0].residual).map((v, i) => v - pass.residual![i % 10]);
    const sd = Math.sqrt(noise.reduce((s, v) => s + v * v, 0) / noise.length);
    expect(sd).toBeGreaterThan(0.3); // σ = 0.1 × (9 − 0) = 0.9
    expect(sd).toBeLessThan(1.5);
    expect(Array.from(await run(5))).toEqual(Array.from(a));
    expect(Array.from(await run(6))).not.toEqual(Array.from(a));
  });

  it('Smooth CDAM: the noise differs across cases, nodules and targets, yet a map is reproducible', async () => {
    const { model, calls } = fakeModel();
    const noiseOf = async (subject: { caseId: number; noduleId: number | null } | undefined, name = 'a', seed = 0) => {
      await method('smooth-cdam').compute({
        ...unused,
        model,
        pass,
        subject,
        target: { kind: 'output', name, index: 0 },
        params: { samples: 3, noiseLevel: 0.1, seed },
      });
      return Array.from(calls[calls.length - 1].residual)
        .map((v, i) => v - pass.residual![i % 10])
        .join(',');
    };
    const case1 = await noiseOf({ caseId: 1, noduleId: null });
    expect(await noiseOf({ caseId: 1, noduleId: null })).toBe(case1); // reproducible
    expect(await noiseOf({ caseId: 2, noduleId: null })).not.toBe(case1); // another case, another pattern
    expect(await noiseOf({ caseId: 1, noduleId: 7 })).not.toBe(case1);
    expect(await noiseOf({ caseId: 1, noduleId: null }, 'b')).not.toBe(case1);
    expect(await noiseOf({ caseId: 1, noduleId: null }, 'a', 1)).not.toBe(case1);
    // No subject (the exporter's fixtures): the seed parameter as it is.
    expect(noiseSeed(5, undefined, 'a')).toBe(5);
    expect(new Set([1, 2, 3, 4].map((c) => noiseSeed(0, { caseId: c, noduleId: null }, 'a'))).size).toBe(4);
    expect(noiseSeed(0, { caseId: 1, noduleId: null }, 'a')).toBe(noiseSeed(0, { caseId: 1, noduleId: null }, 'a'));
  });
});
