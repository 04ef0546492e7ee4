// Integrated CDAM: CDAM along the straight path from a zero residual stream to the image's,
// residual·k/steps for k = 1…steps−1 (step 0 dropped), maps averaged — one batched tail call.
// Exactly obzai/CDAM maps.py concept_map_intgrad (m = 50, mean of ig_maps[1:], zero baseline,
// no noise). Sundararajan, Taly & Yan, "Axiomatic Attribution for Deep Networks", ICML 2017;
// Brocki, Binda & Chung, arXiv:2312.02364.
import { concepts, meanOverBatch, scaledCopies, seeds } from './tail-inputs';
import type { MethodDefinition } from './types';

export const integratedCdam: MethodDefinition = {
  id: 'integrated-cdam',
  label: 'Integrated CDAM',
  reference: 'Sundararajan, Taly & Yan, "Axiomatic Attribution for Deep Networks", ICML 2017; Brocki, Binda & Chung, arXiv:2312.02364; obzai/CDAM maps.py concept_map_intgrad',
  signed: true,
  target: 'output',
  defaults: { steps: 50 },
  compute: async ({ model, pass, target, params }) => {
    const steps = params.steps!;
    const batch = steps - 1;
    const scaled = scaledCopies(pass.residual, Array.from({ length: batch }, (_, b) => (b + 1) / steps));
    const r = await model.tail(scaled, seeds(target, model.dims, batch), concepts(target, model.dims, batch), batch);
    return meanOverBatch(r.cdam, batch, model.dims.patches);
  },
};
