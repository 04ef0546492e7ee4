// The only way LiMA reaches the model: images that keep some sub-regions and black out the rest,
// composed a batch at a time and sent to the caller's evaluator. Counts every image it sends
// (one image = one forward pass), checks for cancellation before each batch and reports progress.
import { VerdictError } from '../../../../app/errors';
import { binaryConfidence, entropyConfidence, type Evaluated, type PairEvaluated } from './scores';
import type { BatchEvaluator, ModelImage } from './types';

/** Rounding a probability may leave it a few ulps outside [0, 1] (a sum of softmax terms: 1.0000000000000002). */
const PROBABILITY_SLACK = 1e-9;

export type OracleArgs = {
  image: ModelImage;
  labels: Int32Array;
  regionCount: number;
  substrate: Float32Array; // one value per channel
  evaluate: BatchEvaluator;
  batchSize: number;
  signal?: AbortSignal;
  progress?: (done: number, total: number) => void;
};

export class RegionOracle {
  readonly #a: OracleArgs;
  /** Images sent to the evaluator so far. */
  passes = 0;
  /** What progress reports as the total (the planned count; an upper bound for the cached search). */
  total = 0;

  constructor(args: OracleArgs) {
    this.#a = args;
  }

  get regionCount(): number {
    return this.#a.regionCount;
  }

  /** Evaluates the images keeping exactly the regions flagged in each mask, in batches. */
  async images(
    masks: readonly Uint8Array[],
    wantEmbedding = false,
  ): Promise<{ evals: Evaluated[]; embeddings: Float32Array; dim: number }> {
    const { image, labels, substrate, evaluate, batchSize, signal, progress } = this.#a;
    const size = image.channels * image.height * image.width;
    const plane = image.height * image.width;
    const evals: Evaluated[] = [];
    let embeddings = new Float32Array(0);
    let dim = 0;
    for (let start = 0; start < masks.length; start += batchSize) {
      if (signal?.aborted) throw new VerdictError('explain.cancelled', 'LiMA attribution was cancelled.');
      const batch = Math.min(batchSize, masks.length - start);
      const data = new Float32Array(batch * size);
      for (let b = 0; b < batch; b++) {
        const keep = masks[start + b];
        for (let c = 0; c < image.channels; c++) {
          const o = c * plane,
            out = b * size + o,
            fill = substrate[c];
          for (let p = 0; p < plane; p++) data[out + p] = keep[labels[p]] ? image.data[o + p] : fill;
        }
      }
      const r = await evaluate(data, batch);
      this.passes += batch;
      if (!r || r.probability?.length !== batch) {
        throw new VerdictError(
          'explain.inference-failed',
          `The evaluator returned ${r?.probability?.length ?? 'no'} probabilities for ${batch} images.`,
          { batch },
        );
      }
      const classes = r.probabilities ? (r.classes ?? r.probabilities.length / batch) : 0;
      if (r.probabilities && (!Number.isInteger(classes) || classes < 1 || r.probabilities.length !== batch * classes)) {
        throw new VerdictError(
          'explain.inference-failed',
          `The evaluator returned ${r.probabilities.length} class probabilities for ${batch} images.`,
          { batch },
        );
      }
      for (let b = 0; b < batch; b++) {
        const p = r.probability[b];
        if (!(p >= -PROBABILITY_SLACK && p <= 1 + PROBABILITY_SLACK)) {
          throw new VerdictError(
            'explain.inference-failed',
            `LiMA: the evaluator returned ${p} as the target's probability; LiMA's terms need a probability in [0, 1] (a regression output's raw value is not one).`,
            { method: 'lima', term: 'consistency' },
          );
        }
        const conf = r.probabilities ? entropyConfidence(r.probabilities, b * classes, classes) : binaryConfidence(p);
        evals.push({ p, conf });
      }
      if (wantEmbedding) {
        if (!(r.dim >= 1) || !r.embedding || r.embedding.length < batch * r.dim || (dim && r.dim !== dim)) {
          throw new VerdictError(
            'explain.inference-failed',
            `The evaluator returned ${r.embedding?.length ?? 0} embedding values (dim ${r.dim}) for ${batch} images.`,
            { batch },
          );
        }
        if (!dim) {
          dim = r.dim;
          embeddings = new Float32Array(masks.length * dim);
        }
        embeddings.set(r.embedding.subarray(0, batch * dim), start * dim);
      }
      progress?.(this.passes, Math.max(this.total, this.passes));
    }
    return { evals, embeddings, dim };
  }

  /** For each set T (a membership mask), the image keeping T and the image keeping the rest: 2 passes per set. */
  async pairs(sets: readonly Uint8Array[]): Promise<PairEvaluated[]> {
    const masks: Uint8Array[] = [];
    for (const inside of sets) {
      const outside = new Uint8Array(inside.length);
      for (let i = 0; i < inside.length; i++) outside[i] = inside[i] ? 0 : 1;
      masks.push(inside, outside);
    }
    const { evals } = await this.images(masks);
    return sets.map((_, i) => ({ inside: evals[2 * i], outside: evals[2 * i + 1] }));
  }
}

/** A membership mask over `n` regions holding `members` and, optionally, one more region. */
export function membership(n: number, members: Iterable<number>, plus = -1): Uint8Array {
  const m = new Uint8Array(n);
  for (const r of members) m[r] = 1;
  if (plus >= 0) m[plus] = 1;
  return m;
}
