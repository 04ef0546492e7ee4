// How a reader's stimulus is drawn, decided here from the protocol and never left to the
// renderer (which would need to know the method to decide). With the shared colour scale (the
// default) every map's values are divided by its largest magnitude and drawn on the diverging
// map from −1 to 1 with neutral words, so the colour map, the bar's numbers and the values sent
// are alike whichever method made the map. With per-map scales a signed map is drawn diverging
// about 0 over ±its largest magnitude and any other map sequentially over its own range.
import type { Protocol } from '../../../app/protocol';
import type { StimulusDisplay } from '../../../app/study';
import { mapRange } from '../explain/explanation-cache';

export type ColourScale = Protocol['display']['colourScale'];

const SIGNED_ENDS: [string, string] = ['◀ negative', 'positive ▶'];
const UNSIGNED_ENDS: [string, string] = ['low', 'high'];

/** The protocol's choice; protocols saved before the option existed get the default. */
export const colourScaleOf = (p: Protocol): ColourScale => p.display?.colourScale ?? 'shared';

/** The values to send (a copy when rescaled) and how to draw them. */
export function stimulusDisplay(
  values: Float32Array,
  signed: boolean,
  scale: ColourScale,
): { values: Float32Array; range: { min: number; max: number }; display: StimulusDisplay } {
  const range = mapRange(values);
  if (scale === 'shared') {
    const m = Math.max(Math.abs(range.min), Math.abs(range.max));
    const shown = m > 0 ? Float32Array.from(values, (v) => v / m) : new Float32Array(values);
    return { values: shown, range: mapRange(shown), display: { colormap: 'diverging', lo: -1, hi: 1, ends: SIGNED_ENDS } };
  }
  if (signed) {
    const m = Math.max(Math.abs(range.min), Math.abs(range.max));
    return { values, range, display: { colormap: 'diverging', lo: -m, hi: m, ends: SIGNED_ENDS } };
  }
  return { values, range, display: { colormap: 'sequential', lo: range.min, hi: range.max, ends: UNSIGNED_ENDS } };
}
