// The LiMA score terms on known answers (formulas in scores.ts).
import { describe, expect, it } from 'vitest';
import { binaryConfidence, effectiveness, embeddingDistances, entropyConfidence, modelScore } from './scores';

describe('confidence 1 − H(p)/log K', () => {
  it('is 0 for a uniform distribution and ≈ 1 for a certain one', () => {
    expect(entropyConfidence([0.25, 0.25, 0.25, 0.25])).toBeCloseTo(0, 6);
    expect(entropyConfidence([1, 0, 0, 0])).toBeCloseTo(1, 6);
    expect(binaryConfidence(0.5)).toBeCloseTo(0, 6);
    expect(binaryConfidence(0.001)).toBeGreaterThan(0.98);
  });

  it('matches a hand computation and reads a row of a batch', () => {
    const p = [0.7, 0.2, 0.1];
    const h = -p.reduce((s, x) => s + x * Math.log(x + 1e-7), 0);
    expect(entropyConfidence(p)).toBeCloseTo(1 - h / Math.log(3), 12);
    expect(entropyConfidence([9, 9, ...p], 2, 3)).toBeCloseTo(1 - h / Math.log(3), 12);
  });
});

describe('effectiveness', () => {
  // e0 ⟂ e1, e2 = −e0, e3 = e0 scaled
  const E = Float32Array.from([1, 0, 0, 1, -1, 0, 2, 0]);
  const dist = embeddingDistances(E, 4, 2);

  it('measures arccos(cos)/π between embeddings', () => {
    expect(dist[0 * 4 + 1]).toBeCloseTo(0.5, 6);
    expect(dist[0 * 4 + 2]).toBeCloseTo(1, 6);
    expect(dist[0 * 4 + 3]).toBeCloseTo(0, 6);
    expect(dist[1 * 4 + 1]).toBeCloseTo(0, 6);
  });

  it("sums each member's nearest other member; 0 for one member", () => {
    expect(effectiveness([0], dist, 4)).toBe(0);
    expect(effectiveness([], dist, 4)).toBe(0);
    expect(effectiveness([0, 1], dist, 4)).toBeCloseTo(1, 6); // 0.5 + 0.5
    expect(effectiveness([0, 1, 2], dist, 4)).toBeCloseTo(1.5, 6); // 0.5 each
    expect(effectiveness([0, 1, 3], dist, 4)).toBeCloseTo(0.5, 6); // 0 + 0.5 + 0: duplicates add nothing
    expect(effectiveness([0, 1], null, 4)).toBe(0);
  });
});

describe('the model part of F', () => {
  it('weights consistency, collaboration and confidence', () => {
    const w = { consistency: 20, collaboration: 5, confidence: 0.01, effectiveness: 0 };
    const e = { inside: { p: 0.8, conf: 0.3 }, outside: { p: 0.1, conf: 0.9 } };
    expect(modelScore(w, e)).toBeCloseTo(20 * 0.8 + 5 * 0.9 + 0.01 * 0.3, 12);
  });
});

describe('a term that is not a number', () => {
  const w = { consistency: 20, collaboration: 5, confidence: 0, effectiveness: 0 };
  const named = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return {
        code: (e as { code?: string }).code,
        term: (e as { detail?: { term?: string } }).detail?.term,
        message: (e as Error).message,
      };
    }
    return null;
  };

  it('is refused, naming the term — even with weight 0 (0 · NaN is NaN)', () => {
    // p = 3.2 (a regression value): 1 − p is finite, but the binary entropy is NaN.
    expect(named(() => modelScore(w, { inside: { p: 0.5, conf: binaryConfidence(3.2) }, outside: { p: 0.1, conf: 0 } }))).toMatchObject({
      code: 'explain.inference-failed',
      term: 'confidence',
    });
    expect(named(() => modelScore(w, { inside: { p: NaN, conf: 0 }, outside: { p: 0.1, conf: 0 } }))).toMatchObject({
      term: 'consistency',
    });
    expect(named(() => modelScore(w, { inside: { p: 0.5, conf: 0 }, outside: { p: NaN, conf: 0 } }))?.message).toMatch(
      /collaboration term is NaN/,
    );
    expect(named(() => embeddingDistances(Float32Array.from([1, 0, NaN, 1]), 2, 2))).toMatchObject({ term: 'effectiveness' });
  });
});
