// The explanation methods as the panel offers them, and what each one is asked to explain.
import type { Concept, MethodId, ModelSummary, ModelTarget } from '../../../app/explain';

export const METHOD_LABELS: Record<MethodId, string> = {
  attention: 'Attention',
  cdam: 'CDAM',
  'smooth-cdam': 'Smooth CDAM',
  'integrated-cdam': 'Integrated CDAM',
  'concept-cdam': 'Concept CDAM',
  lima: 'LiMA (black-box)',
};

/** Method, target and (attention) head of one requested map. */
export type MapSelection = {
  method: MethodId;
  /** An output of the model: explained by the CDAM methods other than concept CDAM. */
  target: string;
  /** Concept CDAM: the concept's name. */
  concept: string | null;
  /** Attention: one head, or null for the mean over heads. */
  head: number | null;
};

/** The `target` argument of explain.map for a selection. */
export function requestTarget(s: MapSelection): string {
  if (s.method === 'attention') return 'attention';
  if (s.method === 'concept-cdam') return s.concept ?? '';
  return s.target;
}

/** A selection main can be asked for: it names an output or concept the model has. */
export function isRunnable(s: MapSelection, model: ModelSummary | null, concepts: readonly Concept[]): boolean {
  if (!model || !model.methods.includes(s.method)) return false;
  if (s.method === 'attention') return s.head === null || (s.head >= 0 && s.head < model.attentionHeads);
  if (s.method === 'concept-cdam') return concepts.some((c) => c.name === s.concept);
  return model.targets.some((t) => t.name === s.target);
}

/** The target a model's panel starts on: the positive class of its first class head (e.g. "malignant", "MEL"), else its first output. */
export function defaultTarget(targets: readonly ModelTarget[]): string {
  const preferred = targets.find((t) => /^(malignant|mel)$/i.test(t.name));
  return (preferred ?? targets[0])?.name ?? '';
}

/** What a map is compared with by default: attention for any CDAM, plain CDAM for attention. */
export const defaultCompareMethod = (a: MethodId): MethodId => (a === 'attention' ? 'cdam' : 'attention');

/** The selection for map B: another method on the same question. */
export function compareSelection(a: MapSelection, method: MethodId): MapSelection {
  return { ...a, method, head: method === 'attention' ? a.head : null };
}

/** How a map describes itself: "Smooth CDAM · malignant", "Attention · head 2". */
export function describeMap(m: { method: MethodId; target: string; params: { head?: number } }): string {
  if (m.method === 'attention') return `${METHOD_LABELS.attention} · ${m.params.head === undefined ? 'mean of heads' : `head ${m.params.head + 1}`}`;
  return `${METHOD_LABELS[m.method]} · ${m.target}`;
}
