// Attribute maps of an attribute-token model: per diagnostic axis (colour, border, …), the
// cross-attention of the axis's learnable tokens over the patch tokens, weighted as the axis's
// softmax pooling weighs its tokens for the predicted value. The graph computes it (the
// exporter checks it against PyTorch); this reads the axis's row. Gao et al., "Aligning Human
// Knowledge with Visual Concepts Towards Explainable Medical Image Classification" (ExpLICD),
// MICCAI 2024; FiLMed's concept tokens.
import { rowOf } from './map-rows';
import { descriptor } from '../../../../app/methods';
import type { MethodDefinition } from './types';

export const attributeMap: MethodDefinition = {
  ...descriptor('attribute-map'),
  compute: async ({ model, pass, target }) => {
    if (target.kind !== 'axis' || !pass.attributeMaps) throw new Error('an attribute map explains an axis of an attribute-token model');
    return rowOf(pass.attributeMaps, target.index, model.dims.patches);
  },
};
