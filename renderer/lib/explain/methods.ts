// The explanation methods as the panel offers them, and what each one is asked to explain: all
// of it from the method descriptors (app/methods.ts) — their target kind, parameters and needs —
// and from what the model offers, never from a method's id.
import { defaultOutput, METHOD_IDS, NO_TARGET, type Concept, type MethodId, type ModelSummary } from '../../../app/explain';
import { descriptor, methodLabel, takesParam, targetKind, type MethodDescriptor, type TargetKind } from '../../../app/methods';

/**
 * Method, target and (attention) head of one requested map. Each kind of target has its own
 * field, so switching method (or comparing with another) keeps what was picked for the others.
 */
export type MapSelection = {
  method: MethodId;
  /** An output of the model: explained by the methods whose target kind is "output". */
  target: string;
  /** Methods explaining a concept: the concept's name. */
  concept: string | null;
  /** Methods taking a "head" parameter (attention): one head, or null for the mean over heads. */
  head: number | null;
  /** Methods explaining a diagnostic axis of an attribute-token model (e.g. "color"). */
  axis: string | null;
  /** Methods explaining a prototype of a prototype model (e.g. "MEL-3"). */
  prototype: string | null;
};

/** Before any model is picked: its method is a placeholder (selectionFor(model, null) starts afresh). */
export const EMPTY_SELECTION: MapSelection = { method: METHOD_IDS[0], target: '', concept: null, head: null, axis: null, prototype: null };

/** The `target` argument of explain.map for a selection: the field of its method's target kind. */
export function requestTarget(s: MapSelection): string {
  switch (targetKind(s.method)) {
    case 'none':
      return NO_TARGET;
    case 'concept':
      return s.concept ?? '';
    case 'axis':
      return s.axis ?? '';
    case 'prototype':
      return s.prototype ?? '';
    case 'output':
      return s.target;
  }
}

/** The `params` of explain.map for a selection: the head picked, where the method takes one. */
export const requestParams = (s: MapSelection): { head: number } | undefined =>
  takesParam(s.method, 'head') && s.head !== null ? { head: s.head } : undefined;

const hasAxis = (model: ModelSummary, axis: string | null) => (model.attributes ?? []).some((a) => a.name === axis);
const hasPrototype = (model: ModelSummary, name: string | null) => (model.prototypes ?? []).some((p) => p.name === name);

/** A selection main can be asked for: it names an output, concept, axis or prototype the model has (and a head it has). */
export function isRunnable(s: MapSelection, model: ModelSummary | null, concepts: readonly Concept[]): boolean {
  if (!model || !model.methods.includes(s.method)) return false;
  if (takesParam(s.method, 'head') && s.head !== null && !(s.head >= 0 && s.head < model.attentionHeads)) return false;
  switch (targetKind(s.method)) {
    case 'none':
      return true;
    case 'concept':
      return concepts.some((c) => c.name === s.concept);
    case 'axis':
      return hasAxis(model, s.axis);
    case 'prototype':
      return hasPrototype(model, s.prototype);
    case 'output':
      return model.targets.some((t) => t.name === s.target);
  }
}

/**
 * How suited a method is to open a panel on (lower first): one that explains a target of the
 * model in one pass — CDAM, or a self-explaining pack's own maps, which say more about it than
 * attention — then a map of no target, then black-box methods (seconds per map), then concepts
 * (the user must have saved one).
 */
function startRank(d: MethodDescriptor): number {
  if (d.targets === 'concept') return 3;
  if (d.needs === 'black-box') return 2;
  return d.targets === 'none' ? 1 : 0;
}

/** The method a model's panel starts on: the best suited of those the model offers (ties: the descriptors' order). */
export function defaultMethod(model: ModelSummary): MethodId {
  const ranked = [...model.methods].sort((a, b) => startRank(descriptor(a)) - startRank(descriptor(b)));
  return ranked[0] ?? METHOD_IDS[0];
}

/** The selection after switching to `model`: what the model also has of the previous one (none: the first model) is kept, the rest starts afresh. */
export function selectionFor(model: ModelSummary, previous: MapSelection | null): MapSelection {
  const prev = previous ?? EMPTY_SELECTION;
  return {
    method: previous && model.methods.includes(previous.method) ? previous.method : defaultMethod(model),
    target: model.targets.some((t) => t.name === prev.target) ? prev.target : defaultOutput(model.targets),
    concept: null,
    head: null,
    axis: hasAxis(model, prev.axis) ? prev.axis : (model.attributes?.[0]?.name ?? null),
    prototype: hasPrototype(model, prev.prototype) ? prev.prototype : (model.prototypes?.[0]?.name ?? null),
  };
}

/** The selection for map B: another method on the same question (the head kept where B takes one too). */
export function compareSelection(a: MapSelection, method: MethodId): MapSelection {
  return { ...a, method, head: takesParam(method, 'head') ? a.head : null };
}

/**
 * The methods map B can use beside A: the model's others that the selection can ask for. A
 * method explaining a concept needs one, which map B does not pick: B compares methods on A's
 * question.
 */
export function compareChoices(a: MapSelection, model: ModelSummary | null, concepts: readonly Concept[]): MethodId[] {
  if (!model) return [];
  return model.methods.filter((m) => m !== a.method && targetKind(m) !== 'concept' && isRunnable(compareSelection(a, m), model, concepts));
}

/**
 * What a map is compared with by default: a map of no target (attention) for any other map; the
 * method the panel would start on (CDAM, a self-explaining pack's own maps) for a map of no
 * target — when the model offers them.
 */
export function defaultCompareMethod(a: MapSelection, model: ModelSummary | null, concepts: readonly Concept[]): MethodId | null {
  const choices = compareChoices(a, model, concepts);
  const preferred =
    targetKind(a.method) === 'none'
      ? model
        ? defaultMethod({ ...model, methods: choices })
        : null
      : choices.find((m) => targetKind(m) === 'none');
  return preferred && choices.includes(preferred) ? preferred : (choices[0] ?? null);
}

/** How a map describes itself: "Smooth CDAM · malignant", "Attention · head 2", "Attribute map · color". */
export function describeMap(m: { method: MethodId; target: string; params: { head?: number } }): string {
  const label = methodLabel(m.method);
  if (targetKind(m.method) !== 'none') return `${label} · ${m.target}`;
  if (!takesParam(m.method, 'head')) return label;
  return `${label} · ${m.params.head === undefined ? 'mean of heads' : `head ${m.params.head + 1}`}`;
}

/** The target of the map on show when its method explains targets of this kind (the axis or prototype whose row is marked), else null. */
export function overlaidTarget(map: { method: MethodId; target: string } | null, kind: TargetKind): string | null {
  return map && targetKind(map.method) === kind ? map.target : null;
}

/** The first method the model offers that explains targets of this kind (the attribute panel's axes, the score sheet's prototypes), if any. */
export const methodFor = (model: ModelSummary | null, kind: TargetKind): MethodId | null =>
  model?.methods.find((m) => targetKind(m) === kind) ?? null;
