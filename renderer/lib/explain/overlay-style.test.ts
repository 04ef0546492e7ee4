import { describe, expect, it } from 'vitest';
import {
  CT_STYLE,
  DEFAULT_STYLE,
  buildTransferFunction,
  colourBarTicks,
  defaultStyleFor,
  formatValue,
  mapScale,
  normaliseStyle,
  rgbaOf,
  type OverlayStyle,
} from './overlay-style';

const signed = mapScale({ signed: true, range: { min: -0.5, max: 2 } });
const style = (over: Partial<OverlayStyle> = {}): OverlayStyle => ({ ...DEFAULT_STYLE, ...over });

describe('mapScale', () => {
  it('is symmetric about 0 for signed maps (±max|v|) and min…max for unsigned ones', () => {
    expect(signed).toEqual({ signed: true, lo: -2, hi: 2 });
    expect(mapScale({ signed: true, range: { min: -3, max: 1 } })).toEqual({ signed: true, lo: -3, hi: 3 });
    expect(mapScale({ signed: false, range: { min: 0.01, max: 0.2 } })).toEqual({ signed: false, lo: 0.01, hi: 0.2 });
  });
});

describe('transfer function', () => {
  it('known answers for a signed map: 0 → neutral and transparent when fading, +max → evidence orange, −max → counter-evidence blue', () => {
    const tf = buildTransferFunction(style({ opacity: 1 }), signed);
    expect(tf.colormap).toBe('blue-orange');
    expect(rgbaOf(tf, 2)).toEqual([0xd5, 0x5e, 0x00, 255]);
    expect(rgbaOf(tf, -2)).toEqual([0x00, 0x72, 0xb2, 255]);
    expect(rgbaOf(tf, 0)).toEqual([0xf7, 0xf7, 0xf7, 0]);
    // Fading: alpha grows with |v|, half the maximum at half the magnitude, on both sides.
    expect(rgbaOf(tf, 1)[3]).toBe(128);
    expect(rgbaOf(tf, -1)[3]).toBe(128);
    expect(rgbaOf(buildTransferFunction(style({ opacity: 1, fade: false }), signed), 0)[3]).toBe(255);
  });

  it('values beyond the scale clamp to its ends; NaN is transparent', () => {
    const tf = buildTransferFunction(style({ opacity: 1 }), signed);
    expect(rgbaOf(tf, 50)).toEqual(rgbaOf(tf, 2));
    expect(rgbaOf(tf, NaN)).toEqual([0, 0, 0, 0]);
  });

  it('opacity scales alpha; the threshold hides magnitudes below its share of the maximum, on both sides', () => {
    const tf = buildTransferFunction(style({ opacity: 0.5, threshold: 0.5, fade: false }), signed);
    expect(rgbaOf(tf, 2)[3]).toBe(128);
    expect(rgbaOf(tf, -2)[3]).toBe(128);
    expect(rgbaOf(tf, 0.8)[3]).toBe(0); // 40 % of max
    expect(rgbaOf(tf, -0.8)[3]).toBe(0);
    expect(rgbaOf(tf, 1.2)[3]).toBe(128); // 60 %
    expect(rgbaOf(tf, -1.2)[3]).toBe(128);
  });

  it('unsigned maps use the sequential colormap from min to max; the threshold counts from the minimum', () => {
    const scale = mapScale({ signed: false, range: { min: 1, max: 3 } });
    const tf = buildTransferFunction(style({ opacity: 1, fade: false, threshold: 0.25 }), scale);
    expect(tf.colormap).toBe('viridis');
    expect(rgbaOf(tf, 3)).toEqual([0xfd, 0xe7, 0x25, 255]);
    expect(rgbaOf(tf, 1)[3]).toBe(0);
    expect(rgbaOf(tf, 1.4)[3]).toBe(0);
    expect(rgbaOf(tf, 1.6)[3]).toBe(255);
  });

  it('a degenerate (all-equal) map draws nothing when fading rather than dividing by zero', () => {
    const tf = buildTransferFunction(style(), mapScale({ signed: true, range: { min: 0, max: 0 } }));
    expect(rgbaOf(tf, 0)[3]).toBe(0);
  });

  it('out-of-range style numbers are clamped', () => {
    expect(normaliseStyle(style({ opacity: 3, threshold: -1 }))).toMatchObject({ opacity: 1, threshold: 0 });
    expect(normaliseStyle(style({ opacity: NaN }))).toMatchObject({ opacity: 0 });
  });
});

describe('colour bar', () => {
  it('labels min, 0 and max of a signed scale at 0, ½ and 1; min and max of an unsigned one', () => {
    expect(colourBarTicks(signed)).toEqual([
      { value: -2, position: 0, label: '-2' },
      { value: 0, position: 0.5, label: '0' },
      { value: 2, position: 1, label: '2' },
    ]);
    expect(colourBarTicks(mapScale({ signed: false, range: { min: 0.0123, max: 0.25 } })).map((t) => t.label)).toEqual(['0.0123', '0.25']);
  });

  it('formats tiny and huge values compactly', () => {
    expect(formatValue(0.000123)).toBe('1.23e-4');
    expect(formatValue(123456)).toBe('1.23e5');
    expect(formatValue(-1.23456)).toBe('-1.23');
  });
});

describe('CT default style', () => {
  // A nodule at the lung window (W 1500 / L −600): +50 HU shows as grey 238 of 255.
  const nodule = Math.round(((50 + 1350) / 1500) * 255);
  const scale = mapScale({ signed: true, range: { min: -1, max: 1 } });
  /** Mean change (0–255 per channel) a value's overlay makes on the nodule's grey. */
  const change = (style: typeof CT_STYLE, v: number) => {
    const [r, g, b, a] = rgbaOf(buildTransferFunction(style, scale), v);
    return ((a / 255) * (Math.abs(r - nodule) + Math.abs(g - nodule) + Math.abs(b - nodule))) / 3;
  };

  it('is the style CT opens with; dermoscopy keeps the general default', () => {
    expect(defaultStyleFor('CT')).toBe(CT_STYLE);
    expect(defaultStyleFor('dermoscopy')).toBe(DEFAULT_STYLE);
  });

  it('changes a bright nodule at half the maximum well over twice as much as the faded default', () => {
    expect(change(DEFAULT_STYLE, 0.5)).toBeLessThan(35);
    expect(change(CT_STYLE, 0.5)).toBeGreaterThan(70);
    expect(change(CT_STYLE, -0.5)).toBeGreaterThan(40);
  });

  it('leaves the weakest quarter transparent: no neutral haze over the parenchyma', () => {
    expect(rgbaOf(buildTransferFunction(CT_STYLE, scale), 0.1)[3]).toBe(0);
    expect(rgbaOf(buildTransferFunction(CT_STYLE, scale), -0.2)[3]).toBe(0);
  });
});
