// Smooth CDAM: the mean of CDAM maps over `samples` copies of the residual stream entering the
// last block with Gaussian noise, σ = noiseLevel·(max − min) of that residual, added — one
// batched tail call, exactly obzai/CDAM maps.py concept_map_smoothgrad (m = 50, noise_level
// 0.05). The noise is seeded (seeded-normal.ts), drawn in the order sample → token → feature, so
// a map is reproducible and, from the same seed, equals the exporter's.
// Seed: derived from the case, nodule, target and the seed parameter (noiseSeed), so every image
// gets its own noise while a map stays reproducible. (Until map version 2 every image shared the
// one pattern of seed 0, so the noise was correlated across the cases of a study.) Without a
// subject — the exporter's fixtures — the seed parameter seeds the draw as it is.
// Paper vs reference code: obzai/CDAM averages whole CDAM maps, each taking the layer-normed
// tokens and their gradient at the noisy input, (1/m) Σ_k T_i(x + ε_k) · ∇f(x + ε_k); the
// SmoothGrad form the paper names (Smilkov et al.) averages the gradient and keeps the clean
// tokens, T_i(x) · (1/m) Σ_k ∇f(x + ε_k) — the form of the paper's equations (Eq. 5/6) as the
// review behind issue 14 reports them; the paper's text was not at hand here. We follow the code,
// whose maps the authors published. The equation's form is not offered: our tail graph returns
// only Σ_d T·∂f/∂T per token, not the gradients, so it would need a re-export of every pack.
// Smilkov et al., "SmoothGrad: removing noise by adding noise", arXiv:1706.03825 (2017);
// Brocki, Binda & Chung, arXiv:2312.02364; obzai/CDAM maps.py concept_map_smoothgrad.
import { createHash } from 'node:crypto';
import { normalTable } from '../seeded-normal';
import { concepts, meanOverBatch, noisyCopies, seeds } from './tail-inputs';
import { descriptor } from '../../../../app/methods';
import { vitPart } from '../../models/model-runtime';
import type { MethodDefinition, MethodRun } from './types';

/** σ for a residual stream: noiseLevel times its range. */
export function noiseSigma(residual: Float32Array, noiseLevel: number): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of residual) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return noiseLevel * (hi - lo);
}

/**
 * The generator's seed for one map: the first 32 bits of SHA-256 over the case, nodule, target
 * and seed parameter; the seed parameter itself when there is no subject (the exporter's fixtures).
 */
export function noiseSeed(seed: number, subject: MethodRun['subject'], target: string): number {
  if (!subject) return seed;
  const key = JSON.stringify(['smooth-cdam', subject.caseId, subject.noduleId, target, seed]);
  return createHash('sha256').update(key).digest().readUInt32BE(0);
}

export const smoothCdam: MethodDefinition = {
  ...descriptor('smooth-cdam'),
  version: 2,
  compute: async ({ model, pass, target, params, subject }) => {
    const samples = params.samples!;
    const residual = vitPart(pass, 'residual');
    const sigma = noiseSigma(residual, params.noiseLevel!);
    const normals = normalTable(noiseSeed(params.seed!, subject, target.name), samples * residual.length);
    const noisy = noisyCopies(residual, samples, sigma, normals);
    const r = await model.tail(noisy, seeds(target, model.dims, samples), concepts(target, model.dims, samples), samples);
    return meanOverBatch(r.cdam, samples, model.dims.patches);
  },
};
