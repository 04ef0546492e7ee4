// Smooth CDAM: the mean of CDAM maps over `samples` copies of the residual stream entering the
// last block with Gaussian noise, σ = noiseLevel·(max − min) of that residual, added — one
// batched tail call. The noise is seeded (seeded-normal.ts), drawn in the order
// sample → token → feature, so a map is reproducible and equals the exporter's.
// Smilkov et al., "SmoothGrad: removing noise by adding noise", arXiv:1706.03825 (2017);
// Brocki, Binda & Chung, arXiv:2312.02364; obzai/CDAM maps.py concept_map_smoothgrad.
import { normalTable } from '../seeded-normal';
import { concepts, meanOverBatch, noisyCopies, seeds } from './tail-inputs';
import type { MethodDefinition } from './types';

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

export const smoothCdam: MethodDefinition = {
  id: 'smooth-cdam',
  label: 'Smooth CDAM',
  reference: 'Smilkov et al., "SmoothGrad: removing noise by adding noise", arXiv:1706.03825; Brocki, Binda & Chung, arXiv:2312.02364; obzai/CDAM maps.py concept_map_smoothgrad',
  signed: true,
  target: 'output',
  defaults: { samples: 50, noiseLevel: 0.05, seed: 0 },
  compute: async ({ model, pass, target, params }) => {
    const samples = params.samples!;
    const sigma = noiseSigma(pass.residual, params.noiseLevel!);
    const noisy = noisyCopies(pass.residual, samples, sigma, normalTable(params.seed!, samples * pass.residual.length));
    const r = await model.tail(noisy, seeds(target, model.dims, samples), concepts(target, model.dims, samples), samples);
    return meanOverBatch(r.cdam, samples, model.dims.patches);
  },
};
