// Prototype similarity maps ("this looks like that"): the cosine similarity of one learned
// prototype to each patch's projected feature, as the graph computes it. Turbé et al., "Tell me
// why: Visual foundation models as self-explainable classifiers" (ProtoFM), 2025; Chen et al.,
// "This Looks Like That" (ProtoPNet), NeurIPS 2019.
import { rowOf } from './map-rows';
import { descriptor } from '../../../../app/methods';
import type { MethodDefinition } from './types';

export const prototypeMap: MethodDefinition = {
  ...descriptor('prototype-map'),
  compute: async ({ model, pass, target }) => {
    if (target.kind !== 'prototype' || !pass.prototypeMaps) throw new Error('a prototype map explains a prototype of a prototype model');
    return rowOf(pass.prototypeMaps, target.index, model.dims.patches);
  },
};
