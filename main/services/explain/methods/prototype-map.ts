// Prototype similarity maps ("this looks like that"): the cosine similarity of one learned
// prototype to each patch's projected feature, as the graph computes it. Turbé et al., "Tell me
// why: Visual foundation models as self-explainable classifiers" (ProtoFM), 2025; Chen et al.,
// "This Looks Like That" (ProtoPNet), NeurIPS 2019.
import { rowOf } from './map-rows';
import type { MethodDefinition } from './types';

export const prototypeMap: MethodDefinition = {
  id: 'prototype-map',
  label: 'Prototype similarity',
  reference: 'Turbé et al., "Tell me why: Visual foundation models as self-explainable classifiers" (ProtoFM), 2025; Chen et al., "This Looks Like That", NeurIPS 2019',
  // Cosine similarities: negative means the patch points away from the prototype.
  signed: true,
  target: 'prototype',
  defaults: {},
  compute: async ({ model, pass, target }) => {
    if (target.kind !== 'prototype' || !pass.prototypeMaps) throw new Error('a prototype map explains a prototype of a prototype model');
    return rowOf(pass.prototypeMaps, target.index, model.dims.patches);
  },
};
