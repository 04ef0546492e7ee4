// Shared fixtures of the faithfulness tests: small images, linear toy scorers whose every curve
// point can be worked out by hand, and an assertion for VerdictErrors.
import { expect } from 'vitest';
import { VerdictError } from '../../../../app/errors';
import type { BatchScorer, ModelImage } from './types';

/** 1 channel, 4×4, pixel i holds i + 1 (so the pixels sum to 136). */
export const RAMP_4X4: ModelImage = { data: Float32Array.from({ length: 16 }, (_, i) => i + 1), channels: 1, height: 4, width: 4 };

/**
 * A 4×4 map with ties. Most-first (ties by index): 3, 7, 5, 10, 1, 14, 8, 4, 13, 6, 12, 2, 11, 0, 9, 15;
 * least-first: 0, 9, 15, 2, 11, 6, 12, 4, 13, 8, 1, 14, 10, 5, 7, 3.
 */
export const MAP_4X4 = Float32Array.from([0, 5, 1, 9, 3, 7, 2, 8, 4, 0, 6, 1, 2, 3, 5, 0]);

/** Weights (i mod 5) − 2 on RAMP_4X4: Σ w·x = −2; a weighted sum sees a blur, which keeps Σ x. */
export const WEIGHTS_4X4 = Array.from({ length: 16 }, (_, i) => (i % 5) - 2);

/** score = Σ w·value over every value of the image (weights per value; w = 1 when omitted), recording each batch's size. */
export function linearScorer(weights?: ArrayLike<number>): BatchScorer & { batches: number[] } {
  const batches: number[] = [];
  const fn = async (images: Float32Array, batch: number) => {
    batches.push(batch);
    const size = images.length / batch;
    const out = new Float64Array(batch);
    for (let b = 0; b < batch; b++) {
      let s = 0;
      for (let i = 0; i < size; i++) s += (weights ? weights[i] : 1) * images[b * size + i];
      out[b] = s;
    }
    return out;
  };
  return Object.assign(fn, { batches });
}

export function expectVerdict(fn: () => unknown, code: string, param?: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(VerdictError);
  expect((thrown as VerdictError).code).toBe(code);
  if (param !== undefined) expect((thrown as VerdictError).detail?.param).toBe(param);
}

export async function expectVerdictAsync(p: Promise<unknown>, code: string, param?: string): Promise<void> {
  let thrown: unknown;
  try {
    await p;
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(VerdictError);
  expect((thrown as VerdictError).code).toBe(code);
  if (param !== undefined) expect((thrown as VerdictError).detail?.param).toBe(param);
}
