// Concept CDAM: CDAM of the similarity ⟨embedding, c⟩ between the image's CLS embedding and a
// concept vector c (the mean embedding of example images a user picked); seed all zeros.
// Brocki, Binda & Chung, arXiv:2312.02364, §3 (concept-based explanations); obzai/CDAM maps.py.
import { concepts, seeds } from './tail-inputs';
import { descriptor } from '../../../../app/methods';
import { vitPart } from '../../models/model-runtime';
import type { MethodDefinition } from './types';

export const conceptCdam: MethodDefinition = {
  ...descriptor('concept-cdam'),
  compute: async ({ model, pass, target }) => {
    const r = await model.tail(vitPart(pass, 'residual'), seeds(target, model.dims, 1), concepts(target, model.dims, 1), 1);
    return Float32Array.from(r.cdam);
  },
};
