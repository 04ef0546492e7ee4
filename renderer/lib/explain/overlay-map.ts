// What the heatmap layer and colour bar need of a map, whoever produced it: an explanation the
// workstation computed (named by its method) or a reader's blinded stimulus (named only by a
// letter, drawn as main decided from the protocol). Keeping method names out of this type keeps
// them out of a reader's DOM.
import type { ExplanationMap } from '../../../app/explain';
import type { BlindedStimulus } from '../../../app/study';
import { descriptor, isMethodId, methodLabel } from '../../../app/methods';
import { mapScale, type MapScale } from './overlay-style';

export type OverlayMap = Pick<ExplanationMap, 'grid' | 'values' | 'range' | 'placement'> & {
  /** The values the colours span; `signed`: on the diverging colour map, centred on 0. */
  scale: MapScale;
  /** The colour bar's words for its two ends. */
  ends: [string, string];
  /** Names the map beside its slot letter (swipe chips); empty for a blinded stimulus. */
  caption: string;
  /** Written as data-* attributes for tests and support; a stimulus carries only its label. */
  tags: Record<string, string | number | boolean>;
};

export const explanationOverlay = (m: ExplanationMap): OverlayMap => ({
  grid: m.grid,
  values: m.values,
  range: m.range,
  placement: m.placement,
  scale: mapScale(m),
  ends: barEnds(m.signed, m.method),
  caption: methodLabel(m.method),
  tags: { method: m.method, target: m.target, 'map-id': m.id, signed: m.signed },
});

/** A stimulus is drawn on the scale main sent: the renderer never infers anything from a method. */
export const stimulusOverlay = (s: BlindedStimulus): OverlayMap => ({
  grid: s.grid,
  values: s.values,
  range: s.range,
  placement: s.placement,
  scale: { signed: s.display.colormap === 'diverging', lo: s.display.lo, hi: s.display.hi },
  ends: s.display.ends,
  caption: '',
  tags: { label: s.label },
});

/** `{ method: 'cdam' }` → `{ 'data-method': 'cdam' }`, for spreading onto an element. */
export function dataAttributes(tags: OverlayMap['tags']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) out[`data-${k}`] = String(v);
  return out;
}

/**
 * The colour bar's words for a map's two ends: its method's (what its values measure, e.g. a
 * prototype map's cosine similarity rather than evidence for a class); without a known method,
 * evidence for a signed map and plain low/high otherwise. (A blinded stimulus's words come from
 * main, with its display.)
 */
export function barEnds(signed: boolean, method?: string): [string, string] {
  if (method !== undefined && isMethodId(method)) return [...descriptor(method).ends];
  return signed ? ['◀ counter-evidence', 'evidence ▶'] : ['low', 'high'];
}
