// Faithfulness and localisation metrics for explanation maps: one perturbation-curve engine,
// presets that reproduce published definitions, and the registry (presets.ts).
export type { BatchScorer, Curve, CurveSpec, ModelImage, Order, Substrate, Unit } from './types';
export { perturbationCurve } from './perturbation-curve';
export { upsampleGrid } from './upsample-grid';
export { gaussianBlur, gaussianKernel } from './gaussian-blur';
export { substrateImage } from './substrate';
export { trapezoid, pearson } from './stats';
export { CDAM_FIDELITY, cdamFidelity, type CdamFidelity, type CdamFidelityOptions } from './cdam-fidelity';
export { RISE, riseDeletion, riseInsertion, type RiseOptions } from './rise';
export { LIMA, limaDeletion, limaInsertion, type LimaOptions } from './lima';
export { QUANTUS_PIXEL_FLIPPING, pixelFlipping, type PixelFlipping, type PixelFlippingOptions } from './pixel-flipping';
export { BOX_SENSITIVITY, boxSensitivity, type BoxSensitivity, type BoxSensitivityOptions } from './box-sensitivity';
export { COMPACTNESS, compactness } from './compactness';
export { classDiscrimination, type ClassDiscrimination, type ClassDiscriminationOptions } from './class-discrimination';
export { POINTING_GAME, pointingGame, type PointingGame } from './pointing-game';
export { MAP_IOU, mapIou, type IouThreshold, type MapIou } from './map-iou';
export { PRESETS, evaluatePreset, preset, type FaithfulnessPreset, type MetricInput, type PresetId, type PresetResult } from './presets';
