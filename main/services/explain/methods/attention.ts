// The baseline map: the last block's attention of the CLS query over the patch tokens, averaged
// over heads (or one head). Caron et al., "Emerging Properties in Self-Supervised Vision
// Transformers" (DINO), ICCV 2021, Fig. 1 / §4.2.1; as used in obzai/CDAM maps.py get_attention_map.
import { descriptor } from '../../../../app/methods';
import { vitPart } from '../../models/model-runtime';
import type { MethodDefinition } from './types';

export const attention: MethodDefinition = {
  ...descriptor('attention'),
  compute: async ({ model, pass, params }) => {
    const { heads, patches } = model.dims;
    const attention = vitPart(pass, 'attention');
    const out = new Float32Array(patches);
    if (params.head !== undefined) {
      out.set(attention.subarray(params.head * patches, (params.head + 1) * patches));
      return out;
    }
    for (let i = 0; i < patches; i++) {
      let s = 0;
      for (let h = 0; h < heads; h++) s += attention[h * patches + i];
      out[i] = s / heads;
    }
    return out;
  },
};
