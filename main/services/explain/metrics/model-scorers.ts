// The model as perturbation metrics and LiMA see it: a function from a batch of model inputs to
// one score per image for the explained target — its logit (or regression value) or its softmax
// probability within its head — and, for LiMA, the CLS embedding beside the probability. Every
// call goes through ORT in chunks and is counted.
import type { GraphRunner } from '../../models/model-runtime';
import { targetsOf, type Manifest } from '../../models/manifest';
import { softmax } from '../outputs';

export type ScoreKind = 'logit' | 'probability';

/** Images per ORT call: large enough to keep ORT busy, small enough for a laptop's memory. */
export const SCORE_BATCH = 32;

export type CountingScorer = {
  score: (images: Float32Array, batch: number) => Promise<Float64Array>;
  /** Images scored so far. */
  readonly passes: number;
};

/** The index range of the head an output belongs to (its softmax group). */
function headOf(manifest: Manifest, targetIndex: number): { start: number; size: number; classLogits: boolean } {
  let start = 0;
  for (const head of manifest.outputs) {
    if (targetIndex < start + head.units.length) return { start, size: head.units.length, classLogits: head.kind === 'class-logits' };
    start += head.units.length;
  }
  throw new Error(`output ${targetIndex} is not in the manifest`);
}

export function targetIndexOf(manifest: Manifest, target: string): number {
  return targetsOf(manifest).findIndex((t) => t.name === target);
}

export function targetScorer(model: GraphRunner, manifest: Manifest, targetIndex: number, kind: ScoreKind): CountingScorer {
  const head = headOf(manifest, targetIndex);
  const { outputs: k, channels, height, width } = model.dims;
  const size = channels * height * width;
  let passes = 0;
  return {
    get passes() { return passes; },
    score: async (images, batch) => {
      const out = new Float64Array(batch);
      for (let start = 0; start < batch; start += SCORE_BATCH) {
        const n = Math.min(SCORE_BATCH, batch - start);
        const pass = await model.backbone(images.subarray(start * size, (start + n) * size), n);
        passes += n;
        for (let i = 0; i < n; i++) {
          const row = pass.outputs.subarray(i * k, (i + 1) * k);
          out[start + i] = kind === 'probability' && head.classLogits
            ? softmax(Array.from(row.subarray(head.start, head.start + head.size)))[targetIndex - head.start]
            : row[targetIndex];
        }
      }
      return out;
    },
  };
}

/**
 * LiMA's evaluator: the target's probability and the CLS embedding of each image and, for a
 * class head, the head's whole softmax distribution — LiMA's confidence term is 1 − H(p)/log K
 * over the head's K classes (RuoyuChen10/LIMA proccess_compute_confidence_score). A regression
 * target has no distribution: LiMA ranks by its raw value and falls back to the binary entropy.
 */
export function probabilityAndEmbedding(model: GraphRunner, manifest: Manifest, targetIndex: number): {
  evaluate: (images: Float32Array, batch: number) => Promise<{ probability: Float64Array; embedding: Float32Array; dim: number; probabilities?: Float64Array; classes?: number }>;
  readonly passes: number;
} {
  const head = headOf(manifest, targetIndex);
  const { outputs: k, channels, height, width, dim } = model.dims;
  const size = channels * height * width;
  let passes = 0;
  return {
    get passes() { return passes; },
    evaluate: async (images, batch) => {
      const probability = new Float64Array(batch);
      const embedding = new Float32Array(batch * dim);
      const probabilities = head.classLogits ? new Float64Array(batch * head.size) : undefined;
      for (let start = 0; start < batch; start += SCORE_BATCH) {
        const n = Math.min(SCORE_BATCH, batch - start);
        const pass = await model.backbone(images.subarray(start * size, (start + n) * size), n);
        passes += n;
        embedding.set(pass.embedding, start * dim);
        for (let i = 0; i < n; i++) {
          const row = pass.outputs.subarray(i * k, (i + 1) * k);
          if (probabilities) {
            const p = softmax(Array.from(row.subarray(head.start, head.start + head.size)));
            probabilities.set(p, (start + i) * head.size);
            probability[start + i] = p[targetIndex - head.start];
          } else probability[start + i] = row[targetIndex];
        }
      }
      return probabilities ? { probability, embedding, dim, probabilities, classes: head.size } : { probability, embedding, dim };
    },
  };
}
