// What the heatmap layer and colour bar need of a map, whoever produced it: an explanation the
// workstation computed (named by its method) or a reader's blinded stimulus (named only by a
// letter). Keeping method names out of this type keeps them out of a reader's DOM.
import type { ExplanationMap } from '../../../app/explain';
import type { BlindedStimulus } from '../../../app/study';
import { METHOD_LABELS } from './methods';

export type OverlayMap = Pick<ExplanationMap, 'signed' | 'grid' | 'values' | 'range' | 'placement'> & {
  /** Names the map beside its slot letter (swipe chips); empty for a blinded stimulus. */
  caption: string;
  /** Written as data-* attributes for tests and support; a stimulus carries only its label. */
  tags: Record<string, string | number | boolean>;
};

export const explanationOverlay = (m: ExplanationMap): OverlayMap => ({
  signed: m.signed,
  grid: m.grid,
  values: m.values,
  range: m.range,
  placement: m.placement,
  caption: METHOD_LABELS[m.method],
  tags: { method: m.method, target: m.target, 'map-id': m.id, signed: m.signed },
});

export const stimulusOverlay = (s: BlindedStimulus): OverlayMap => ({
  signed: s.signed,
  grid: s.grid,
  values: s.values,
  range: s.range,
  placement: s.placement,
  caption: '',
  tags: { label: s.label, signed: s.signed },
});

/** `{ method: 'cdam' }` → `{ 'data-method': 'cdam' }`, for spreading onto an element. */
export function dataAttributes(tags: OverlayMap['tags']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) out[`data-${k}`] = String(v);
  return out;
}

/**
 * The colour bar's words for a map's two ends. A prototype map is a cosine similarity, not
 * evidence for a class; an attribute map is its axis tokens' attention. A blinded stimulus
 * carries no method, so its words stay neutral (beyond what its sign shows anyway).
 */
export function barEnds(map: Pick<OverlayMap, 'signed' | 'tags'>): [string, string] {
  const method = map.tags.method;
  if (map.signed) return method === 'prototype-map' ? ['◀ unlike the prototype', 'like the prototype ▶'] : ['◀ counter-evidence', 'evidence ▶'];
  const what = method === 'attention' || method === 'attribute-map' ? ' attention' : method === 'lima' ? ' importance' : '';
  return [`low${what}`, `high${what}`];
}
