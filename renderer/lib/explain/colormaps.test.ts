import { describe, expect, it } from 'vitest';
import { COLORMAPS, DIVERGING_IDS, SEQUENTIAL_IDS, colourAt, cssGradient } from './colormaps';

describe('colourAt', () => {
  it('blue–orange: the centre is the neutral colour, the ends blue (counter-evidence) and orange (evidence)', () => {
    expect(colourAt('blue-orange', 0.5)).toEqual([0xf7, 0xf7, 0xf7]);
    expect(colourAt('blue-orange', 0)).toEqual([0x00, 0x72, 0xb2]);
    expect(colourAt('blue-orange', 1)).toEqual([0xd5, 0x5e, 0x00]);
    // Halfway between the centre and the evidence end: Okabe–Ito orange.
    expect(colourAt('blue-orange', 0.75)).toEqual([0xe6, 0x9f, 0x00]);
  });

  it('every diverging map has an odd number of stops with a grey centre, and orange on the positive side', () => {
    for (const id of DIVERGING_IDS) {
      const stops = COLORMAPS[id].stops;
      expect(stops.length % 2).toBe(1);
      const [r, g, b] = colourAt(id, 0.5);
      expect(r === g && g === b).toBe(true);
      const [hr, , hb] = colourAt(id, 1);
      expect(hr).toBeGreaterThan(hb);
      const [lr, , lb] = colourAt(id, 0);
      expect(lb).toBeGreaterThan(lr);
    }
  });

  it('sequential maps get lighter from 0 to 1 (viridis) or darker (oranges), monotonically', () => {
    const luma = ([r, g, b]: readonly number[]) => 0.2126 * r + 0.7152 * g + 0.0722 * b;
    for (const id of SEQUENTIAL_IDS) {
      const l = Array.from({ length: 21 }, (_, i) => luma(colourAt(id, i / 20)));
      const rising = l.every((v, i) => i === 0 || v >= l[i - 1]);
      const falling = l.every((v, i) => i === 0 || v <= l[i - 1]);
      expect(rising || falling, id).toBe(true);
    }
    expect(colourAt('viridis', 0)).toEqual([0x44, 0x01, 0x54]);
    expect(colourAt('viridis', 1)).toEqual([0xfd, 0xe7, 0x25]);
  });

  it('interpolates linearly between stops and clamps outside [0, 1]', () => {
    // viridis stops 0 and 1 are 1/8 apart; 1/16 is their mean.
    expect(colourAt('viridis', 1 / 16)).toEqual([
      Math.round((0x44 + 0x47) / 2),
      Math.round((0x01 + 0x2d) / 2),
      Math.round((0x54 + 0x7b) / 2),
    ]);
    expect(colourAt('viridis', -3)).toEqual(colourAt('viridis', 0));
    expect(colourAt('viridis', 7)).toEqual(colourAt('viridis', 1));
    expect(colourAt('viridis', NaN)).toEqual(colourAt('viridis', 0));
  });
});

describe('cssGradient', () => {
  it('lists every stop at its position', () => {
    expect(cssGradient('blue-orange')).toBe(
      'linear-gradient(to right, rgb(0 114 178) 0.0%, rgb(86 180 233) 25.0%, rgb(247 247 247) 50.0%, rgb(230 159 0) 75.0%, rgb(213 94 0) 100.0%)',
    );
  });
});
