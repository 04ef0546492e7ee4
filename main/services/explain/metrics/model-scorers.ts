// The model as perturbation metrics and LiMA see it: a function from a batch of model inputs to
// one score per image for the explained target — its logit (or regression value) or its softmax
// probability within its head — and, for LiMA, the CLS embedding beside the probability. Both
// go through one chunked backbone loop (ORT calls of SCORE_BATCH images), and every image is
// counted.
import { VerdictError } from '../../../../app/errors';
import type { BackbonePass, GraphRunner } from '../../models/model-runtime';
import { targetsOf, type Manifest } from '../../models/manifest';
import { softmax } from '../../../../app/numeric';

export type ScoreKind = 'logit' | 'probability';

/** Images per ORT call: large enough to keep ORT busy, small enough for a laptop's memory. */
export const SCORE_BATCH = 32;

export type CountingScorer = {
  score: (images: Float32Array, batch: number) => Promise<Float64Array>;
  /** Images scored so far. */
  readonly passes: number;
};

type Head = { name: string; start: number; size: number; classLogits: boolean };

/** The head an output belongs to (its softmax group) and where its units start. */
function headOf(manifest: Manifest, targetIndex: number): Head {
  let start = 0;
  for (const head of manifest.outputs) {
    if (targetIndex < start + head.units.length)
      return { name: head.head, start, size: head.units.length, classLogits: head.kind === 'class-logits' };
    start += head.units.length;
  }
  throw new Error(`output ${targetIndex} is not in the manifest`);
}

export function targetIndexOf(manifest: Manifest, target: string): number {
  return targetsOf(manifest).findIndex((t) => t.name === target);
}

/**
 * Runs `batch` images through the backbone SCORE_BATCH at a time; `each(pass, i, row)` sees
 * image `first + i`'s output row. Returns a getter of the images counted so far.
 */
function chunkedBackbone(model: GraphRunner) {
  const { outputs: k, channels, height, width } = model.dims;
  const size = channels * height * width;
  let passes = 0;
  return {
    get passes() {
      return passes;
    },
    run: async (images: Float32Array, batch: number, each: (pass: BackbonePass, first: number, i: number, row: Float32Array) => void) => {
      for (let first = 0; first < batch; first += SCORE_BATCH) {
        const n = Math.min(SCORE_BATCH, batch - first);
        const pass = await model.backbone(images.subarray(first * size, (first + n) * size), n);
        passes += n;
        for (let i = 0; i < n; i++) each(pass, first, i, pass.outputs.subarray(i * k, (i + 1) * k));
      }
    },
  };
}

/** The head's softmax distribution in an output row. */
const headSoftmax = (row: Float32Array, head: Head) => softmax(Array.from(row.subarray(head.start, head.start + head.size)));

export function targetScorer(model: GraphRunner, manifest: Manifest, targetIndex: number, kind: ScoreKind): CountingScorer {
  const head = headOf(manifest, targetIndex);
  const loop = chunkedBackbone(model);
  return {
    get passes() {
      return loop.passes;
    },
    score: async (images, batch) => {
      const out = new Float64Array(batch);
      await loop.run(images, batch, (_, first, i, row) => {
        out[first + i] = kind === 'probability' && head.classLogits ? headSoftmax(row, head)[targetIndex - head.start] : row[targetIndex];
      });
      return out;
    },
  };
}

/**
 * LiMA's evaluator: the target's probability, the head's whole softmax distribution (LiMA's
 * confidence term is 1 − H(p)/log K over the head's K classes, RuoyuChen10/LIMA
 * proccess_compute_confidence_score) and the CLS embedding of each image — for a black-box pack,
 * which has none, the head's probability vector (see methods/lima.ts).
 * A regression output is refused: all four terms of LiMA's objective are defined on class
 * probabilities (consistency p_y(x_S), collaboration 1 − p_y(x − x_S), confidence over a
 * distribution), and neither the paper nor RuoyuChen10/LIMA defines a regression variant. A raw
 * value such as 3.2 would make 1 − p negative and the entropy NaN, and the search would rank the
 * regions by their ids.
 */
export function probabilityAndEmbedding(
  model: GraphRunner,
  manifest: Manifest,
  targetIndex: number,
): {
  evaluate: (
    images: Float32Array,
    batch: number,
  ) => Promise<{ probability: Float64Array; embedding: Float32Array; dim: number; probabilities: Float64Array; classes: number }>;
  readonly passes: number;
} {
  const head = headOf(manifest, targetIndex);
  if (!head.classLogits) {
    const name = targetsOf(manifest)[targetIndex].name;
    throw new VerdictError(
      'explain.bad-target',
      `LiMA cannot explain "${name}": it is a regression output (head "${head.name}"), and LiMA scores class probabilities — consistency p(x_S), collaboration 1 − p(x − x_S) and the confidence 1 − H(p)/log K are undefined for a raw value. Explain a class output with LiMA, or "${name}" with a gradient method (CDAM, Smooth or Integrated CDAM).`,
      { method: 'lima', target: name, head: head.name, kind: 'regression' },
    );
  }
  // A black-box pack has no embedding: the head's probability vector stands in (dim = its K).
  const dim = model.dims.dim || head.size;
  const loop = chunkedBackbone(model);
  return {
    get passes() {
      return loop.passes;
    },
    evaluate: async (images, batch) => {
      const probability = new Float64Array(batch);
      const embedding = new Float32Array(batch * dim);
      const probabilities = new Float64Array(batch * head.size);
      await loop.run(images, batch, (pass, first, i, row) => {
        const p = headSoftmax(row, head);
        if (!pass.embedding) embedding.set(p, (first + i) * dim);
        else if (i === 0) embedding.set(pass.embedding, first * dim);
        probabilities.set(p, (first + i) * head.size);
        probability[first + i] = p[targetIndex - head.start];
      });
      return { probability, embedding, dim, probabilities, classes: head.size };
    },
  };
}
