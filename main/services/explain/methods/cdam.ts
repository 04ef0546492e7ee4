// CDAM: Sᵢ = Σ_d Tᵢ_d ∂f/∂Tᵢ_d over the layer-normed tokens entering the last attention block,
// f the target's logit or regression output (the tail graph computes the gradient).
// Brocki, Binda & Chung, "Class-Discriminative Attention Maps for Vision Transformers",
// arXiv:2312.02364 (2023); obzai/CDAM maps.py get_concept_map.
import { concepts, seeds } from './tail-inputs';
import { descriptor } from '../../../../app/methods';
import { vitPart } from '../../models/model-runtime';
import type { MethodDefinition } from './types';

export const cdam: MethodDefinition = {
  ...descriptor('cdam'),
  compute: async ({ model, pass, target }) => {
    const r = await model.tail(vitPart(pass, 'residual'), seeds(target, model.dims, 1), concepts(target, model.dims, 1), 1);
    return Float32Array.from(r.cdam);
  },
};
