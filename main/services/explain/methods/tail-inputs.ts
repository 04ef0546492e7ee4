// Building blocks for the tail graph (models/README.md): the explained score is
// f = Σₖ seedₖ·outputₖ + ⟨embedding, concept⟩, so a one-hot seed explains one output and a
// zero seed with a concept vector explains the similarity to a concept.
import type { Dims } from '../../models/model-runtime';
import type { ResolvedTarget } from './types';

/** Seeds [batch, K]: one-hot on the target output, zeros for concept targets. */
export function seeds(target: ResolvedTarget, dims: Dims, batch: number): Float32Array {
  const out = new Float32Array(batch * dims.outputs);
  if (target.kind === 'output') for (let b = 0; b < batch; b++) out[b * dims.outputs + target.index] = 1;
  return out;
}

/** Concept vectors [batch, D]: the concept's vector for concept targets, zeros otherwise. */
export function concepts(target: ResolvedTarget, dims: Dims, batch: number): Float32Array {
  const out = new Float32Array(batch * dims.dim);
  if (target.kind === 'concept') for (let b = 0; b < batch; b++) out.set(target.vector, b * dims.dim);
  return out;
}

/** The mean over the batch of [batch, N] maps, accumulated in float64. */
export function meanOverBatch(maps: Float32Array, batch: number, n: number): Float32Array {
  const acc = new Float64Array(n);
  for (let b = 0; b < batch; b++) for (let i = 0; i < n; i++) acc[i] += maps[b * n + i];
  return Float32Array.from(acc, (v) => v / batch);
}

/** `samples` copies of one image's residual stream [N+1, D] plus σ·z, z read from `normals` in order sample → token → feature. */
export function noisyCopies(residual: Float32Array, samples: number, sigma: number, normals: Float32Array): Float32Array {
  const out = new Float32Array(samples * residual.length);
  for (let i = 0, n = out.length, m = residual.length; i < n; i++) out[i] = residual[i % m] + sigma * normals[i];
  return out;
}

/** Copies of one image's residual stream, copy b scaled by scales[b]. */
export function scaledCopies(residual: Float32Array, scales: number[]): Float32Array {
  const out = new Float32Array(scales.length * residual.length);
  scales.forEach((s, b) => {
    const base = b * residual.length;
    for (let i = 0; i < residual.length; i++) out[base + i] = residual[i] * s;
  });
  return out;
}
