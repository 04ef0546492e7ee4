// Faithfulness and localisation metrics for explanation maps: one perturbation-curve engine, and
// the registry of metric definitions, each defined beside its algorithm in its own file (its
// reference, score direction, what it needs, its parameters; definition.ts). Adding a metric is
// one file here, its descriptor in app/faithfulness.ts and one line in METRIC_DEFINITIONS.
import { VerdictError } from '../../../../app/errors';
import { METRIC_IDS } from '../../../../app/faithfulness';
import { boxSensitivityMetric } from './box-sensitivity';
import { cdamFidelityMetric } from './cdam-fidelity';
import { classDiscriminationMetric } from './class-discrimination';
import { compactnessMetric } from './compactness';
import { checkNeeds, type MetricDefinition, type MetricInput, type MetricResult } from './definition';
import { limaDeletionMetric, limaInsertionMetric } from './lima';
import { mapIouMetric } from './map-iou';
import { pixelFlippingMetric } from './pixel-flipping';
import { pointingGameMetric } from './pointing-game';
import { riseDeletionMetric, riseInsertionMetric } from './rise';

export type { BatchScorer, Curve, CurveSpec, ModelImage, Order, Substrate, Unit } from './types';
export type { MetricDefinition, MetricInput, MetricResult, Need } from './definition';
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

/** Every metric, in app/faithfulness.ts's order (the registry test holds the two together). */
export const METRIC_DEFINITIONS: readonly MetricDefinition[] = [
  cdamFidelityMetric,
  riseInsertionMetric,
  riseDeletionMetric,
  limaInsertionMetric,
  limaDeletionMetric,
  pixelFlippingMetric,
  boxSensitivityMetric,
  compactnessMetric,
  classDiscriminationMetric,
  pointingGameMetric,
  mapIouMetric,
];

/** The metric's definition; throws `not-found` for an id no metric has. */
export function metricDefinition(id: string): MetricDefinition {
  const d = METRIC_DEFINITIONS.find((x) => x.id === id);
  if (!d) throw new VerdictError('not-found', `No faithfulness metric "${id}"; metrics: ${METRIC_IDS.join(', ')}.`, { metric: id });
  return d;
}

/** Looks the metric up, checks that the input has what it needs, and runs it. */
export async function evaluateMetric(id: string, input: MetricInput): Promise<MetricResult> {
  const d = metricDefinition(id);
  checkNeeds(d, input);
  return d.evaluate(input);
}
