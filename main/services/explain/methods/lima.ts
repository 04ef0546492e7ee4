// LiMA: a black-box attribution — the image is cut into superpixel sub-regions and ranked by a
// submodular objective (consistency, collaboration, confidence, effectiveness) found with the
// bidirectional greedy search; each pixel gets its region's importance. Chen et al., "Less is
// More: Efficient Black-box Attribution via Minimal Interpretable Subset Selection",
// arXiv:2504.00470; RuoyuChen10/LIMA. Needs only outputs and the CLS embedding, so every pack
// offers it. Search: the paper's bidirectional greedy (8 pending), the method as published. Our
// cached searches (search.ts, npm run bench) are faster: 'bidirectional-cached' (0.56× the passes,
// insertion AUC 0.7% lower on 100 ISIC images) and 'greedy-cached' (0.46×, higher insertion AUC
// but worse deletion AUC, as naive greedy); neither is the paper's ranking, so neither is the default.
import { LIMA_DEFAULTS, limaAttribution } from '../lima';
import { probabilityAndEmbedding } from '../metrics/model-scorers';
import type { MethodDefinition } from './types';

export const lima: MethodDefinition = {
  id: 'lima',
  label: 'LiMA',
  reference: 'Chen et al., "Less is More: Efficient Black-box Attribution via Minimal Interpretable Subset Selection", arXiv:2504.00470; RuoyuChen10/LIMA',
  signed: false,
  target: 'output',
  defaults: { regions: LIMA_DEFAULTS.regions, pending: LIMA_DEFAULTS.pending },
  resolution: 'input',
  blackBox: true,
  compute: async ({ model, manifest, image, target, params, signal, progress }) => {
    if (target.kind !== 'output') throw new Error('LiMA explains an output');
    const { channels, height, width } = model.dims;
    const evaluator = probabilityAndEmbedding(model, manifest, target.index);
    const r = await limaAttribution(
      { data: image, channels, height, width },
      evaluator.evaluate,
      { ...LIMA_DEFAULTS, regions: params.regions ?? LIMA_DEFAULTS.regions, pending: params.pending ?? LIMA_DEFAULTS.pending, search: 'bidirectional' },
      { signal, progress, normalisation: manifest.input.normalise },
    );
    return r.importance;
  },
};
