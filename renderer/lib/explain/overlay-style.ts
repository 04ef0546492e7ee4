// How an explanation map is shown: one OverlayStyle object, applied as a whole. Applying a style
// always rebuilds the whole transfer function (value → RGBA lookup table), so colormap, opacity,
// threshold and fading can never disagree with each other or with the colour bar.
import { COLORMAPS, colourAt, type DivergingColormapId, type Rgb, type SequentialColormapId } from './colormaps';

export type OverlayStyle = {
  /** For signed maps (CDAM family): centred on 0, orange = evidence, blue = counter-evidence. */
  diverging: DivergingColormapId;
  /** For unsigned maps (attention). */
  sequential: SequentialColormapId;
  /** 0…1: alpha of the strongest values. */
  opacity: number;
  /** 0…1: values whose magnitude is below this share of the scale's maximum are not drawn. */
  threshold: number;
  /** Alpha follows magnitude, so near-zero patches let the image show through. */
  fade: boolean;
  /** Bilinear between patch centres; off shows the model's patch grid as blocks. */
  smooth: boolean;
};

export const DEFAULT_STYLE: OverlayStyle = {
  diverging: 'blue-orange',
  sequential: 'viridis',
  opacity: 0.6,
  threshold: 0,
  fade: true,
  smooth: true,
};

/**
 * CT opens with a style that stays visible on a window-levelled nodule. At the lung window a
 * nodule is near white, and the general default's fading (alpha ∝ |value|, 0.6 at the maximum)
 * mixes at most 30 % colour into most of the evidence — nearly invisible there. For CT:
 * - no fading: every drawn value gets the full opacity, and its colour alone says how strong it
 *   is (as the colour bar shows), so mid-strength evidence is as visible as the peak;
 * - threshold 0.25: the weakest quarter of the scale stays transparent, so the near-neutral
 *   colours around 0 do not lay a pale haze over the parenchyma once fading is off;
 * - opacity 0.7: the anatomy under the map still shows through (30 %);
 * - blue–orange kept: its ends (#0072B2, #D55E00) are saturated mid-lightness colours, at least
 *   100 levels away from both white (nodule, bone) and black (lung) in one channel, and readable
 *   with the common colour-vision deficiencies.
 * The e2e (explain.spec) measures the change this style makes on the nodule region.
 */
export const CT_STYLE: OverlayStyle = {
  ...DEFAULT_STYLE,
  opacity: 0.7,
  threshold: 0.25,
  fade: false,
};

/** The style an overlay opens with on a modality's images (also the reading view's fallback). */
export const defaultStyleFor = (modality: 'CT' | 'dermoscopy' | string): OverlayStyle => (modality === 'CT' ? CT_STYLE : DEFAULT_STYLE);

/** Keeps a style's numbers in range, whatever a slider or key sent. */
export function normaliseStyle(s: OverlayStyle): OverlayStyle {
  const clamp = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);
  return { ...s, opacity: clamp(s.opacity), threshold: clamp(s.threshold) };
}

/**
 * The value range a map's colours span. Signed maps get a symmetric range ±max|v|, so 0 is
 * always the neutral centre and equal colours mean equal magnitudes on both sides; unsigned maps
 * span their own min…max.
 */
export type MapScale = { signed: boolean; lo: number; hi: number };

export function mapScale(map: { signed: boolean; range: { min: number; max: number } }): MapScale {
  const { min, max } = map.range;
  if (map.signed) {
    const m = Math.max(Math.abs(min), Math.abs(max));
    return { signed: true, lo: -m, hi: m };
  }
  return { signed: false, lo: min, hi: max };
}

/** Odd, so that the middle entry is exactly the scale's centre (0 of a signed map). */
export const LUT_SIZE = 257;

export type TransferFunction = {
  scale: MapScale;
  colormap: DivergingColormapId | SequentialColormapId;
  /** LUT_SIZE × RGBA, indexed by the value's position in the scale. */
  lut: Uint8ClampedArray;
};

/** Where v lies on the scale, 0…1 (a degenerate scale puts everything at its neutral point). */
export function scalePosition(scale: MapScale, v: number): number {
  const span = scale.hi - scale.lo;
  if (!(span > 0)) return scale.signed ? 0.5 : 0;
  return Math.min(1, Math.max(0, (v - scale.lo) / span));
}

/** Magnitude 0…1 of a scale position: distance from 0 for signed maps, from the minimum otherwise. */
const magnitude = (scale: MapScale, t: number) => (scale.signed ? Math.abs(2 * t - 1) : t);

export function buildTransferFunction(style: OverlayStyle, scale: MapScale): TransferFunction {
  const s = normaliseStyle(style);
  const colormap = scale.signed ? s.diverging : s.sequential;
  const lut = new Uint8ClampedArray(LUT_SIZE * 4);
  for (let i = 0; i < LUT_SIZE; i++) {
    const t = i / (LUT_SIZE - 1);
    const m = magnitude(scale, t);
    const [r, g, b] = colourAt(colormap, t);
    // A tiny epsilon so that "threshold 0.5" hides 0.4999… but keeps exactly half the maximum.
    const hidden = m + 1e-9 < s.threshold;
    // Linear in magnitude: a near-zero patch adds no haze of the neutral colour over the CT.
    const alpha = hidden ? 0 : s.opacity * (s.fade ? m : 1);
    lut.set([r, g, b, Math.round(alpha * 255)], i * 4);
  }
  return { scale, colormap, lut };
}

/** The LUT entry a value falls in. */
export function lutIndex(tf: TransferFunction, v: number): number {
  return Math.round(scalePosition(tf.scale, v) * (LUT_SIZE - 1));
}

export function rgbaOf(tf: TransferFunction, v: number): [number, number, number, number] {
  if (!Number.isFinite(v)) return [0, 0, 0, 0];
  const o = lutIndex(tf, v) * 4;
  return [tf.lut[o], tf.lut[o + 1], tf.lut[o + 2], tf.lut[o + 3]];
}

export type ColourBarTick = { value: number; position: number; label: string };

/** Ticks of the colour bar: min, 0 (signed) and max of the scale, where they sit on the bar. */
export function colourBarTicks(scale: MapScale, format = formatValue): ColourBarTick[] {
  const ticks = [scale.lo, ...(scale.signed ? [0] : []), scale.hi];
  return ticks.map((value) => ({ value, position: scalePosition(scale, value), label: format(value) }));
}

/** Compact numbers for labels: 3 significant digits, scientific when tiny or huge. */
export function formatValue(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e5) return v.toExponential(2).replace('e+', 'e');
  return Number(v.toPrecision(3)).toString();
}

export const colormapOf = (style: OverlayStyle, signed: boolean) => COLORMAPS[signed ? style.diverging : style.sequential];
export type { Rgb };
