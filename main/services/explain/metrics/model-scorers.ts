// The model as perturbation metrics and LiMA see it: a function from a batch of model inputs to
// one score per image for the explained target — its logit (or regression value) or its softmax
// probability within its head — and, for LiMA, the CLS embedding beside the probability. Both
// go through one chunked backbone loop (ORT calls of scoreBatch images: fewer for many-token
// ViTs, so memory stays bounded), and every image is counted.
import { VerdictError } from '../../../../app/errors';
import type { BackbonePass, Dims, GraphRunner } from '../../models/model-runtime';
import { targetsOf, type Manifest } from '../../models/manifest';
import { softmax } from '../../../../app/numeric';

export type ScoreKind = 'logit' | 'probability';

/** Images per ORT call at most: large enough to keep ORT busy. */
export const SCORE_BATCH = 32;

/**
 * What one ORT call's activations may take: with a ViT-S/8's ~380 MB of weights and sessions,
 * LiMA and RISE peak near 1.3 GB (batches of 32 took 3.2 GB there). ORT's CPU arena keeps its
 * peak, grown in powers of two, for the session's life; turning the arena off halved that peak
 * at batch 32 but made a single pass (CDAM's) ~20% slower here, so the batch is what gives way.
 */
export const SCORE_MEMORY_BYTES = 1024 * 1024 * 1024;

/**
 * Bytes one image's pass may hold at its peak, from the pack's sizes. A ViT's is dominated by the
 * attention scores, heads × tokens² floats per block, a few alive at once (QKᵀ, its softmax, the
 * attention output the backbone returns), beside the tokens × dim activations: measured with
 * ORT 1.30 on CPU (peak RSS over batches of 1–32), ~77 MB an image for a DINO ViT-S/8 @224 (787
 * tokens, 6 heads) and ~6–11 MB for a timm ViT-B/16 @224 (197 tokens, 12 heads); the estimate,
 * 4 bytes × (5·heads·tokens² + 8·tokens·dim), gives 84 and 14. A black-box graph says nothing of
 * its insides: 64 input-sized feature maps (a ResNet's widest stages hold about that; the demo CNN
 * @128 took ~1.2 MB an image, the estimate 12.6 MB).
 */
export function imageBytes(dims: Pick<Dims, 'tokens' | 'heads' | 'dim' | 'channels' | 'height' | 'width'>): number {
  if (dims.tokens > 0) return 4 * (5 * dims.heads * dims.tokens ** 2 + 8 * dims.tokens * dims.dim);
  return 4 * 64 * dims.channels * dims.height * dims.width;
}

/**
 * Images per ORT call for this pack: SCORE_BATCH, or fewer where that many would pass
 * SCORE_MEMORY_BYTES (at least one). Each image's outputs do not depend on the batch it is in
 * (model-scorers.test.ts checks it through ORT), so neither do LiMA's, RISE's or a metric's numbers.
 */
export function scoreBatch(dims: Parameters<typeof imageBytes>[0], memory = SCORE_MEMORY_BYTES): number {
  return Math.max(1, Math.min(SCORE_BATCH, Math.floor(memory / imageBytes(dims))));
}

export type CountingScorer = {
  score: (images: Float32Array, batch: number) => Promise<Float64Array>;
  /** Images scored so far. */
  readonly passes: number;
  /** Images per ORT call (scoreBatch): callers composing images fill batches of this size. */
  readonly batch: number;
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
 * Runs `batch` images through the backbone `chunk` (default scoreBatch) at a time; `each(pass, i, row)`
 * sees image `first + i`'s output row. Returns a getter of the images counted so far.
 */
function chunkedBackbone(model: GraphRunner, chunk = scoreBatch(model.dims)) {
  const { outputs: k, channels, height, width } = model.dims;
  const size = channels * height * width;
  let passes = 0;
  return {
    chunk,
    get passes() {
      return passes;
    },
    run: async (images: Float32Array, batch: number, each: (pass: BackbonePass, first: number, i: number, row: Float32Array) => void) => {
      for (let first = 0; first < batch; first += chunk) {
        const n = Math.min(chunk, batch - first);
        const pass = await model.backbone(images.subarray(first * size, (first + n) * size), n);
        passes += n;
        for (let i = 0; i < n; i++) each(pass, first, i, pass.outputs.subarray(i * k, (i + 1) * k));
      }
    },
  };
}

/** The head's softmax distribution in an output row. */
const headSoftmax = (row: Float32Array, head: Head) => softmax(Array.from(row.subarray(head.start, head.start + head.size)));

/** `chunk`: images per ORT call (default scoreBatch; the tests set it to show it changes no number). */
export function targetScorer(model: GraphRunner, manifest: Manifest, targetIndex: number, kind: ScoreKind, chunk?: number): CountingScorer {
  const head = headOf(manifest, targetIndex);
  const loop = chunkedBackbone(model, chunk);
  return {
    batch: loop.chunk,
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
  chunk?: number,
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
  const loop = chunkedBackbone(model, chunk);
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
