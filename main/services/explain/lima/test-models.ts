// Toy models for the LiMA tests: evaluators with a known answer, and a wrapper that counts what
// reaches the model. Images are described by their construction (cf. synthetic:… ids).
import { mulberry32 } from '../../../../app/mulberry32';
import type { BatchEvaluator, ModelImage } from './types';

export type Box = { y0: number; x0: number; y1: number; x1: number }; // half-open

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** synthetic:rgb_HxW_square — a seeded mid-grey textured background with a bright square. */
export function squareImage(height: number, width: number, box: Box, seed = 7): ModelImage {
  const rand = mulberry32(seed);
  const n = height * width;
  const data = new Float32Array(3 * n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inBox = y >= box.y0 && y < box.y1 && x >= box.x0 && x < box.x1;
      for (let c = 0; c < 3; c++) data[c * n + y * width + x] = inBox ? [0.95, 0.85, 0.2][c] : 0.35 + 0.1 * rand() + 0.05 * c;
    }
  }
  return { data, channels: 3, height, width };
}

/** synthetic:rgb_HxW_blocks_RxC — R×C blocks, each its own seeded colour. */
export function blockImage(rows: number, cols: number, block: number, seed = 3): ModelImage {
  const rand = mulberry32(seed);
  const colours = Array.from({ length: rows * cols }, () => [rand(), rand(), rand()]);
  const height = rows * block,
    width = cols * block,
    n = height * width;
  const data = new Float32Array(3 * n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const b = Math.floor(y / block) * cols + Math.floor(x / block);
      for (let c = 0; c < 3; c++) data[c * n + y * width + x] = colours[b][c];
    }
  }
  return { data, channels: 3, height, width };
}

/** Region ids of an R×C grid over an H×W image. */
export function gridLabels(rows: number, cols: number, height: number, width: number): Int32Array {
  const out = new Int32Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out[y * width + x] = Math.floor((y * rows) / height) * cols + Math.floor((x * cols) / width);
  }
  return out;
}

/** Channel-mean value at each pixel of image b of a batch. */
function pixelMean(images: Float32Array, b: number, shape: ModelImage, p: number): number {
  const n = shape.height * shape.width,
    size = shape.channels * n;
  let s = 0;
  for (let c = 0; c < shape.channels; c++) s += images[b * size + c * n + p];
  return s / shape.channels;
}

/**
 * The target's probability is a sigmoid of the mean brightness inside `box`:
 * p = σ(gain·(mean − centre)); the embedding is [1, the four quadrants' mean brightness].
 * With `classes`, the whole distribution: the target (class 0) and the rest shared evenly.
 */
export function squareModel(shape: ModelImage, box: Box, opts: { gain?: number; centre?: number; classes?: number } = {}): BatchEvaluator {
  const gain = opts.gain ?? 12,
    centre = opts.centre ?? 0.4;
  const { height: H, width: W } = shape;
  return async (images, batch) => {
    const probability = new Float64Array(batch);
    const dim = 5;
    const embedding = new Float32Array(batch * dim);
    for (let b = 0; b < batch; b++) {
      let inside = 0,
        count = 0;
      const quad = [0, 0, 0, 0];
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const v = pixelMean(images, b, shape, y * W + x);
          if (y >= box.y0 && y < box.y1 && x >= box.x0 && x < box.x1) {
            inside += v;
            count++;
          }
          quad[(y < H / 2 ? 0 : 2) + (x < W / 2 ? 0 : 1)] += v / ((H * W) / 4);
        }
      }
      probability[b] = sigmoid(gain * (inside / count - centre));
      embedding.set([1, ...quad], b * dim);
    }
    if (!opts.classes) return { probability, embedding, dim };
    const K = opts.classes;
    const probabilities = new Float64Array(batch * K);
    for (let b = 0; b < batch; b++) {
      probabilities[b * K] = probability[b];
      for (let k = 1; k < K; k++) probabilities[b * K + k] = (1 - probability[b]) / (K - 1);
    }
    return { probability, embedding, dim, probabilities, classes: K };
  };
}

/**
 * p = σ(Σ_r w_r·(kept fraction of region r) − bias): each region adds its own evidence. The
 * embedding is the kept fraction of each region, so region images are mutually orthogonal.
 * With link 'identity', p = Σ_r w_r·(kept fraction) − bias itself (weights ≥ 0 summing to ≤ 1):
 * then consistency and collaboration are modular in the kept set.
 */
export function additiveModel(
  shape: ModelImage,
  labels: Int32Array,
  weights: readonly number[],
  bias: number,
  link: 'sigmoid' | 'identity' = 'sigmoid',
): BatchEvaluator {
  const n = shape.height * shape.width,
    size = shape.channels * n,
    R = weights.length;
  const sizes = new Float64Array(R);
  for (let p = 0; p < n; p++) sizes[labels[p]]++;
  return async (images, batch) => {
    const probability = new Float64Array(batch);
    const embedding = new Float32Array(batch * R);
    for (let b = 0; b < batch; b++) {
      const kept = new Float64Array(R);
      // a pixel is kept when it still has its own (non-zero) value; removed ones are black (0)
      for (let p = 0; p < n; p++) if (shape.data[p] !== 0 && images[b * size + p] === shape.data[p]) kept[labels[p]]++;
      let z = -bias;
      for (let r = 0; r < R; r++) {
        z += (weights[r] * kept[r]) / sizes[r];
        embedding[b * R + r] = kept[r] / sizes[r];
      }
      probability[b] = link === 'sigmoid' ? sigmoid(z) : z;
    }
    return { probability, embedding, dim: R };
  };
}

/** Wraps an evaluator and counts the images and calls that reach it. */
export function counting(evaluate: BatchEvaluator) {
  const stats = { images: 0, calls: 0, maxBatch: 0 };
  const wrapped: BatchEvaluator = async (images, batch) => {
    stats.images += batch;
    stats.calls += 1;
    stats.maxBatch = Math.max(stats.maxBatch, batch);
    return evaluate(images, batch);
  };
  return { evaluate: wrapped, stats };
}
