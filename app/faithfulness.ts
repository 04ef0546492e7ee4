// Faithfulness metrics of explanation maps as main and the coordinator's UI see them: does a map
// reflect what the model uses? Computed per explanation, stored, shown to staff only (never to
// readers), exported with the study. Definitions and citations: main/services/explain/faithfulness.

export const METRIC_IDS = [
  'cdam-fidelity', 'rise-insertion', 'rise-deletion', 'lima-insertion', 'lima-deletion', 'pixel-flipping',
  'box-sensitivity', 'compactness', 'class-discrimination', 'pointing-game', 'iou',
] as const;
export type MetricId = (typeof METRIC_IDS)[number];

/** A curve as the metric computed it: share of units changed → score. */
export type MetricCurve = { name: string; fractions: number[]; scores: number[]; auc: number };

export type ExplanationMetric = {
  explanationId: number;
  metric: MetricId;
  /** The parameters that determined it (preset values, seeds, the wrong target used…). */
  params: Record<string, unknown>;
  /** The headline number: an AUC, a fidelity, a correlation, a share, 1/0 for a pointing-game hit; null where undefined (e.g. no ground truth). */
  value: number | null;
  curves: MetricCurve[];
  /** Other numbers the metric reports (per box size, per part…). */
  parts: Record<string, number | string | (number | null)[] | null>;
  provider: string;
  forwardPasses: number;
  ms: number;
  createdAt: string;
};
