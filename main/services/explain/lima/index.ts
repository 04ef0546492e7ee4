// LiMA black-box attribution (Chen et al., arXiv:2504.00470; RuoyuChen10/LIMA): the public surface.
export type { BatchEvaluator, LimaOptions, LimaParams, LimaResult, LimaSearch, LimaWeights, ModelImage } from './types';
export { limaAttribution } from './lima';
export { slic, enforceConnectivity, type SlicOptions, type Superpixels } from './slic';
export { LIMA_DEFAULTS, LIMA_WEIGHTS, plannedPasses, type LimaModelType } from './defaults';
export { insertionDeletionAuc, areaFractions } from './importance';
export { binaryConfidence, effectiveness, embeddingDistances, entropyConfidence } from './scores';
