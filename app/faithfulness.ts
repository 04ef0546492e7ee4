// Faithfulness metrics of explanation maps as main and the coordinator's UI see them: does a map
// reflect what the model uses? Computed per explanation, stored, shown to staff only (never to
// readers), exported with the study.
// Each metric is described once, here: what the UI, the API and exports know of it. Main's
// definition of a metric is this descriptor plus its algorithm, parameters and needs, in the
// metric's own file (main/services/explain/faithfulness/<metric>.ts, listed in its index.ts).

export type MetricCategory = 'faithfulness' | 'complexity' | 'class-sensitivity' | 'localisation';

export type MetricDescriptor = {
  id: string;
  /** How the coordinator's table and the exports name it. */
  label: string;
  /** Quantus's evaluation categories; 'class-sensitivity' compares the map with another class's map (params.wrongTarget). */
  category: MetricCategory;
  /** Which way is better, as the reference defines the score. */
  scoreDirection: 'higher' | 'lower';
  /** How the value reads: a number, or hit/miss (1/0, an outcome per case rather than a score). */
  format: 'number' | 'hit-miss';
  /** The publication that defines it. */
  reference: string;
};

const CDAM_PAPER = 'Brocki, Binda & Chung, "Class-Discriminative Attention Maps for Vision Transformers", arXiv:2312.02364';
const RISE_PAPER = 'Petsiuk, Das & Saenko, "RISE: Randomized Input Sampling for Explanation of Black-box Models", BMVC 2018';
const LIMA_PAPER =
  'Chen et al., "Less is More: Efficient Black-box Attribution via Minimal Interpretable Subset Selection", arXiv:2504.00470';

/** Every metric, in the order the table, the API and the exports list them. */
export const METRICS = [
  {
    id: 'cdam-fidelity',
    label: 'Fidelity A_LIF − A_MIF',
    category: 'faithfulness',
    scoreDirection: 'higher',
    format: 'number',
    reference: CDAM_PAPER,
  },
  {
    id: 'rise-insertion',
    label: 'Insertion AUC, RISE',
    category: 'faithfulness',
    scoreDirection: 'higher',
    format: 'number',
    reference: RISE_PAPER,
  },
  {
    id: 'rise-deletion',
    label: 'Deletion AUC, RISE',
    category: 'faithfulness',
    scoreDirection: 'lower',
    format: 'number',
    reference: RISE_PAPER,
  },
  {
    id: 'lima-insertion',
    label: 'Insertion AUC, LiMA',
    category: 'faithfulness',
    scoreDirection: 'higher',
    format: 'number',
    reference: LIMA_PAPER,
  },
  {
    id: 'lima-deletion',
    label: 'Deletion AUC, LiMA',
    category: 'faithfulness',
    scoreDirection: 'lower',
    format: 'number',
    reference: LIMA_PAPER,
  },
  {
    id: 'pixel-flipping',
    label: 'Pixel flipping AUC, Quantus',
    category: 'faithfulness',
    scoreDirection: 'lower',
    format: 'number',
    reference: 'Bach et al., PLoS ONE 10(7):e0130140 (2015); Hedström et al., "Quantus", JMLR 24(34) (2023)',
  },
  {
    id: 'box-sensitivity',
    label: 'Box sensitivity r',
    category: 'faithfulness',
    scoreDirection: 'higher',
    format: 'number',
    reference: `Ancona et al., "Towards better understanding of gradient-based attribution methods for deep neural networks", ICLR 2018 (sensitivity-n); ${CDAM_PAPER}`,
  },
  { id: 'compactness', label: 'Compactness', category: 'complexity', scoreDirection: 'higher', format: 'number', reference: CDAM_PAPER },
  {
    id: 'class-discrimination',
    label: 'Class discrimination ΔA',
    category: 'class-sensitivity',
    scoreDirection: 'higher',
    format: 'number',
    reference: CDAM_PAPER,
  },
  {
    id: 'pointing-game',
    label: 'Pointing game',
    category: 'localisation',
    scoreDirection: 'higher',
    format: 'hit-miss',
    reference: 'Zhang et al., "Top-Down Neural Attention by Excitation Backprop", IJCV 126:1084–1102 (2018)',
  },
  {
    id: 'iou',
    label: 'IoU with ground truth',
    category: 'localisation',
    scoreDirection: 'higher',
    format: 'number',
    reference:
      'Intersection over union of the thresholded map and the ground-truth mask (this project: threshold ≥ 50% of the map maximum)',
  },
] as const satisfies readonly MetricDescriptor[];

export type MetricId = (typeof METRICS)[number]['id'];
export const METRIC_IDS = METRICS.map((m) => m.id) as readonly MetricId[] as readonly [MetricId, ...MetricId[]];

/** The metric's descriptor; undefined for an id no metric has. */
export const metricDescriptor = (id: string): (MetricDescriptor & { id: MetricId }) | undefined => METRICS.find((m) => m.id === id);

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
