// Sends a run of perturbed images to the caller's scorer, `batchSize` at a time, checking for
// cancellation before every batch. Images are made in order 0…count−1, so a maker may build
// each from the one before.
import { VerdictError } from '../../../../app/errors';
import { checkCancelled } from '../job-queue';
import type { BatchScorer } from './types';

export const DEFAULT_BATCH_SIZE = 32;

export function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new VerdictError('explain.bad-params', `batchSize must be a whole number ≥ 1 (got ${batchSize}).`, { param: 'batchSize' });
}

/**
 * Scores `count` images of `imageSize` values each; `make(i, into)` writes image i into `into`.
 * Returns one score per image. Throws `explain.cancelled` when `signal` is aborted before a
 * batch, and `explain.inference-failed` when the scorer does not return one number per image.
 */
export async function scoreInBatches(
  count: number,
  imageSize: number,
  make: (i: number, into: Float32Array) => void,
  score: BatchScorer,
  batchSize = DEFAULT_BATCH_SIZE,
  signal?: AbortSignal,
): Promise<Float64Array> {
  checkBatchSize(batchSize);
  const out = new Float64Array(count);
  const buffer = new Float32Array(Math.min(batchSize, Math.max(count, 1)) * imageSize);
  for (let first = 0; first < count; first += batchSize) {
    if (signal) checkCancelled(signal, 'Faithfulness metric');
    const n = Math.min(batchSize, count - first);
    for (let j = 0; j < n; j++) make(first + j, buffer.subarray(j * imageSize, (j + 1) * imageSize));
    const images = n * imageSize === buffer.length ? buffer : buffer.subarray(0, n * imageSize);
    const scores = await score(images, n);
    if (!scores || scores.length !== n) {
      throw new VerdictError(
        'explain.inference-failed',
        `The scorer returned ${scores?.length ?? 'nothing'} scores for a batch of ${n} images.`,
        { expected: n },
      );
    }
    out.set(scores, first);
  }
  return out;
}
