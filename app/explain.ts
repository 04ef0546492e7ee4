// Models and their explanations as main and renderer both see them.
import type { CaseId, ImageId, NoduleId, SeriesId } from './domain';
import { NO_TARGET, descriptor, type ExplainParams, type MethodId } from './methods';

export type ModelId = number;
export type ConceptId = number;

/** The explanation methods are described in methods.ts (one descriptor each); the names most code imports come from here. */
export { METHOD_IDS, NO_TARGET, type ExplainParams, type MethodId } from './methods';

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

type TargetLists = {
  targets: readonly { name: string; kind?: OutputKind }[];
  attributes: readonly { name: string }[] | null;
  prototypes: readonly { name: string }[] | null;
};

/**
 * The targets a method can explain on a model, by the kind of target it explains: the outputs,
 * "attention" alone for a map of no target, the diagnostic axes, the prototypes; none for
 * concepts (they are the user's, not the model's).
 */
export function targetsFor(model: TargetLists | undefined, method: MethodId): string[] {
  switch (descriptor(method).targets) {
    case 'none':
      return [NO_TARGET];
    case 'concept':
      return [];
    case 'axis':
      return (model?.attributes ?? []).map((a) => a.name);
    case 'prototype':
      return (model?.prototypes ?? []).map((p) => p.name);
    case 'output':
      return (model?.targets ?? []).map((t) => t.name);
  }
}

/** The output a map starts on: the positive class of a class head ("malignant", "MEL"), else the first class output, else the first output. */
export function defaultOutput(targets: TargetLists['targets']): string {
  const preferred = targets.find((t) => /^(malignant|mel)$/i.test(t.name)) ?? targets.find((t) => t.kind === 'class-logits') ?? targets[0];
  return preferred?.name ?? '';
}

/** The one rule for the target a method starts on: the default output for output maps, else the first target of its kind ("" for concepts). */
export function defaultTarget(model: TargetLists | undefined, method: MethodId): string {
  return descriptor(method).targets === 'output' ? defaultOutput(model?.targets ?? []) : (targetsFor(model, method)[0] ?? '');
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

export type AttributeReport = {
  modelId: ModelId;
  caseId: CaseId;
  provider: string;
  diagnosis: PredictedOutput[];
  axes: AttributeReading[];
};

/** A training patch a prototype is closest to ("this looks like that"). */
export type PrototypeExemplar = {
  imageId: string;
  patch: [number, number];
  box: [number, number, number, number];
  similarity: number;
  png: ArrayBuffer;
};

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

export type Concept = {
  id: ConceptId;
  modelId: ModelId;
  name: string;
  examples: { caseId: CaseId; noduleId: NoduleId | null }[];
  createdAt: string;
};

export type ExplainProgress = { jobId: string; label: string; done: number; total: number };
