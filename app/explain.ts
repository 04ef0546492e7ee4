// Models and their explanations as main and renderer both see them.
import type { CaseId, ImageId, NoduleId, SeriesId } from './domain';

export type ModelId = number;
export type ConceptId = number;

/**
 * The explanation methods (see main/services/explain/methods for references). A pack's manifest
 * lists the white-box ones it supports; black-box ones (LiMA) need only the model's outputs and
 * apply to every pack.
 */
export type MethodId = 'attention' | 'cdam' | 'smooth-cdam' | 'integrated-cdam' | 'concept-cdam' | 'lima' | 'attribute-map' | 'prototype-map';
export const METHOD_IDS: readonly MethodId[] = ['attention', 'cdam', 'smooth-cdam', 'integrated-cdam', 'concept-cdam', 'lima', 'attribute-map', 'prototype-map'];
export const BLACK_BOX_METHODS: readonly MethodId[] = ['lima'];

export type OutputKind = 'class-logits' | 'regression';

/** One output unit of a model, which is also a target an explanation can be asked for. */
export type ModelTarget = {
  /** Unique within the pack, e.g. "malignant", "spiculation", "MEL". */
  name: string;
  label: string;
  /** The head it belongs to; class logits of one head share a softmax. */
  head: string;
  kind: OutputKind;
  /** For regression targets: the scale the value is on (e.g. a 1–5 LIDC rating), if any. */
  range: [number, number] | null;
};

export type ModelCard = {
  intendedUse: string;
  training: string;
  metrics: Record<string, number | string>;
  notes: string[];
};

/** demo: a model to read with; sanity-check: randomized weights (hidden catch trials); test: software tests only. */
export type ModelPurpose = 'demo' | 'sanity-check' | 'test';

export type ModelSummary = {
  id: ModelId;
  purpose: ModelPurpose;
  packId: string;
  name: string;
  version: string;
  modality: 'CT' | 'dermoscopy';
  sha256: string;
  methods: MethodId[];
  targets: ModelTarget[];
  /** Heads of the last attention block (for per-head attention maps). */
  attentionHeads: number;
  input: { channels: number; height: number; width: number };
  card: ModelCard;
  /** Set once the model has been opened: the ONNX Runtime execution provider that runs it. */
  provider: string | null;
  /** Attribute-token models: the diagnostic axes (targets of attribute maps). */
  attributes: AttributeAxis[] | null;
  /** Prototype models: the prototypes (targets of prototype maps) and the class each belongs to. */
  prototypes: PrototypeSummary[] | null;
};

/**
 * The targets a method can explain on a model: "attention" for the attention map, the diagnostic
 * axes for attribute maps, the prototypes for prototype maps, the outputs otherwise (concept CDAM
 * takes a concept's name, which the model does not list: none here).
 */
export function targetsFor(model: Pick<ModelSummary, 'targets' | 'attributes' | 'prototypes'> | undefined, method: MethodId): string[] {
  if (method === 'attention') return ['attention'];
  if (method === 'concept-cdam') return [];
  if (method === 'attribute-map') return (model?.attributes ?? []).map((a) => a.name);
  if (method === 'prototype-map') return (model?.prototypes ?? []).map((p) => p.name);
  return (model?.targets ?? []).map((t) => t.name);
}

/** A diagnostic axis of an attribute-token model (ExpLICD): its values are the units of one output head. */
export type AttributeAxis = { name: string; label: string; head: string; values: { name: string; label: string }[] };

export type PrototypeSummary = { name: string; class: string; exemplarCount: number };

/** One axis as the model reads a case: the predicted value and how sure it is (softmax over the axis's values). */
export type AttributeReading = {
  axis: string;
  label: string;
  value: { name: string; label: string };
  probability: number;
  values: { name: string; label: string; probability: number }[];
};

export type AttributeReport = { modelId: ModelId; caseId: CaseId; provider: string; diagnosis: PredictedOutput[]; axes: AttributeReading[] };

/** A training patch a prototype is closest to ("this looks like that"). */
export type PrototypeExemplar = { imageId: string; patch: [number, number]; box: [number, number, number, number]; similarity: number; png: ArrayBuffer };

/** One prototype's part in a class score: contribution = weight × activation. */
export type PrototypeScore = {
  name: string;
  /** The class the prototype was learned for. */
  class: string;
  activation: number;
  weight: number;
  contribution: number;
  /** Share of the class score (its positive part) this prototype makes up. */
  share: number;
  exemplars: PrototypeExemplar[];
};

/** "This looks like that": the prototypes behind one class score of a case, largest contribution first. */
export type PrototypeScoreSheet = {
  modelId: ModelId;
  caseId: CaseId;
  provider: string;
  /** The class explained (the predicted one unless asked otherwise) and its score and probability. */
  class: string;
  score: number;
  probability: number;
  diagnosis: PredictedOutput[];
  rows: PrototypeScore[];
};

export type PredictedOutput = {
  name: string;
  head: string;
  kind: OutputKind;
  /** Raw output: a logit or a regression value. */
  value: number;
  /** Softmax over its head, for class logits. */
  probability: number | null;
};

export type Prediction = {
  modelId: ModelId;
  caseId: CaseId;
  noduleId: NoduleId | null;
  outputs: PredictedOutput[];
  provider: string;
  ms: number;
};

/** Where a map lies on the image the viewer shows, in that image's pixel coordinates. */
export type MapPlacement =
  | { kind: 'ct-slice'; seriesId: SeriesId; sliceIndex: number; x: number; y: number; width: number; height: number }
  | { kind: 'image'; imageId: ImageId; x: number; y: number; width: number; height: number };

export type ExplainParams = {
  /** Smooth CDAM: number of noisy samples (default 50). */
  samples?: number;
  /** Smooth CDAM: noise σ as a share of the residual stream's range (default 0.05). */
  noiseLevel?: number;
  /** Smooth CDAM: seed of the noise, so a map can be reproduced. */
  seed?: number;
  /** Integrated CDAM: steps from the zero baseline (default 50; step 0 dropped). */
  steps?: number;
  /** Attention: one head (0-based); absent = mean over heads. */
  head?: number;
  /** LiMA: number of superpixel sub-regions (default 50). */
  regions?: number;
  /** LiMA: candidates kept pending in the bidirectional greedy search (default 8). */
  pending?: number;
};

export type ExplanationMap = {
  id: number;
  modelId: ModelId;
  caseId: CaseId;
  noduleId: NoduleId | null;
  method: MethodId;
  /** Output name, concept name (concept CDAM), or "attention". */
  target: string;
  params: ExplainParams;
  /** Signed maps (CDAM family) are evidence (>0) vs counter-evidence (<0); attention is ≥ 0. */
  signed: boolean;
  grid: { rows: number; cols: number };
  /** Float32, rows × cols, row-major: one value per patch token. */
  values: ArrayBuffer;
  range: { min: number; max: number };
  placement: MapPlacement;
  provider: string;
  cached: boolean;
  ms: number;
  outputs: PredictedOutput[];
};

export type Concept = { id: ConceptId; modelId: ModelId; name: string; examples: { caseId: CaseId; noduleId: NoduleId | null }[]; createdAt: string };

export type ExplainProgress = { jobId: string; label: string; done: number; total: number };
