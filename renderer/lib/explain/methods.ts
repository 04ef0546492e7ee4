// The explanation methods as the panel offers them, and what each one is asked to explain.
import type { Concept, MethodId, ModelSummary, ModelTarget } from '../../../app/explain';

export const METHOD_LABELS: Record<MethodId, string> = {
  attention: 'Attention',
  cdam: 'CDAM',
  'smooth-cdam': 'Smooth CDAM',
  'integrated-cdam': 'Integrated CDAM',
  'concept-cdam': 'Concept CDAM',
  lima: 'LiMA (black-box)',
  'attribute-map': 'Attribute map',
  'prototype-map': 'Prototype similarity',
};

/**
 * Method, target and (attention) head of one requested map. Each kind of target has its own
 * field, so switching method (or comparing with another) keeps what was picked for the others.
 */
export type MapSelection = {
  method: MethodId;
  /** An output of the model: explained by the CDAM methods other than concept CDAM, and LiMA. */
  target: string;
  /** Concept CDAM: the concept's name. */
  concept: string | null;
  /** Attention: one head, or null for the mean over heads. */
  head: number | null;
  /** Attribute map: a diagnostic axis of an attribute-token model (e.g. "color"). */
  axis: string | null;
  /** Prototype similarity: a prototype of a prototype model (e.g. "MEL-3"). */
  prototype: string | null;
};

export const EMPTY_SELECTION: MapSelection = { method: 'cdam', target: '', concept: null, head: null, axis: null, prototype: null };

/** The `target` argument of explain.map for a selection. */
export function requestTarget(s: MapSelection): string {
  switch (s.method) {
    case 'attention':
      return 'attention';
    case 'concept-cdam':
      return s.concept ?? '';
    case 'attribute-map':
      return s.axis ?? '';
    case 'prototype-map':
      return s.prototype ?? '';
    default:
      return s.target;
  }
}

const hasAxis = (model: ModelSummary, axis: string | null) => (model.attributes ?? []).some((a) => a.name === axis);
const hasPrototype = (model: ModelSummary, name: string | null) => (model.prototypes ?? []).some((p) => p.name === name);

/** A selection main can be asked for: it names an output, concept, axis or prototype the model has. */
export function isRunnable(s: MapSelection, model: ModelSummary | null, concepts: readonly Concept[]): boolean {
  if (!model || !model.methods.includes(s.method)) return false;
  if (s.method === 'attention') return s.head === null || (s.head >= 0 && s.head < model.attentionHeads);
  if (s.method === 'concept-cdam') return concepts.some((c) => c.name === s.concept);
  if (s.method === 'attribute-map') return hasAxis(model, s.axis);
  if (s.method === 'prototype-map') return hasPrototype(model, s.prototype);
  return model.targets.some((t) => t.name === s.target);
}

/** The target a model's panel starts on: the positive class of its first class head (e.g. "malignant", "MEL"), else its first output. */
export function defaultTarget(targets: readonly ModelTarget[]): string {
  const preferred = targets.find((t) => /^(malignant|mel)$/i.test(t.name));
  return (preferred ?? targets[0])?.name ?? '';
}

// CDAM where the pack has its tail graph; a self-explaining pack has none, and its own maps say
// more about it than attention does.
const START_ORDER: readonly MethodId[] = ['cdam', 'attribute-map', 'prototype-map', 'attention'];

/** The method a model's panel starts on: one the model offers. */
export function defaultMethod(model: ModelSummary): MethodId {
  return START_ORDER.find((m) => model.methods.includes(m)) ?? model.methods[0] ?? 'attention';
}

/** The selection after switching to `model`: what the model also has is kept, the rest starts afresh. */
export function selectionFor(model: ModelSummary, prev: MapSelection): MapSelection {
  return {
    method: model.methods.includes(prev.method) ? prev.method : defaultMethod(model),
    target: model.targets.some((t) => t.name === prev.target) ? prev.target : defaultTarget(model.targets),
    concept: null,
    head: null,
    axis: hasAxis(model, prev.axis) ? prev.axis : (model.attributes?.[0]?.name ?? null),
    prototype: hasPrototype(model, prev.prototype) ? prev.prototype : (model.prototypes?.[0]?.name ?? null),
  };
}

/** The selection for map B: another method on the same question. */
export function compareSelection(a: MapSelection, method: MethodId): MapSelection {
  return { ...a, method, head: method === 'attention' ? a.head : null };
}

/**
 * The methods map B can use beside A: the model's others that the selection can ask for. Concept
 * CDAM needs a concept, which map B does not pick: it compares methods on A's question.
 */
export function compareChoices(a: MapSelection, model: ModelSummary | null, concepts: readonly Concept[]): MethodId[] {
  if (!model) return [];
  return model.methods.filter((m) => m !== a.method && m !== 'concept-cdam' && isRunnable(compareSelection(a, m), model, concepts));
}

/** What a map is compared with by default: attention for any other map, plain CDAM for attention — when the model offers them. */
export function defaultCompareMethod(a: MapSelection, model: ModelSummary | null, concepts: readonly Concept[]): MethodId | null {
  const choices = compareChoices(a, model, concepts);
  const preferred: MethodId = a.method === 'attention' ? 'cdam' : 'attention';
  return choices.includes(preferred) ? preferred : (choices[0] ?? null);
}

/** How a map describes itself: "Smooth CDAM · malignant", "Attention · head 2", "Attribute map · color". */
export function describeMap(m: { method: MethodId; target: string; params: { head?: number } }): string {
  if (m.method === 'attention') return `${METHOD_LABELS.attention} · ${m.params.head === undefined ? 'mean of heads' : `head ${m.params.head + 1}`}`;
  return `${METHOD_LABELS[m.method]} · ${m.target}`;
}

/** The target of the map on show when it is of this method (the axis or prototype whose row is marked), else null. */
export function overlaidTarget(map: { method: MethodId; target: string } | null, method: MethodId): string | null {
  return map?.method === method ? map.target : null;
}
