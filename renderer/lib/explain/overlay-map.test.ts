import { describe, expect, it } from 'vitest';
import { barEnds, stimulusOverlay } from './overlay-map';

const ends = (signed: boolean, method?: string) => barEnds(signed, method);

describe('colour bar words', () => {
  it('name evidence for the CDAM family and similarity for prototype maps', () => {
    expect(ends(true, 'cdam')).toEqual(['◀ counter-evidence', 'evidence ▶']);
    expect(ends(true, 'prototype-map')).toEqual(['◀ unlike the prototype', 'like the prototype ▶']);
  });

  it('name what an unsigned map measures, and stay neutral without a method', () => {
    expect(ends(false, 'attention')).toEqual(['low attention', 'high attention']);
    expect(ends(false, 'attribute-map')).toEqual(['low attention', 'high attention']);
    expect(ends(false, 'lima')).toEqual(['low importance', 'high importance']);
    expect(ends(false)).toEqual(['low', 'high']);
    expect(ends(true)).toEqual(['◀ counter-evidence', 'evidence ▶']);
  });

  it('draw a blinded stimulus on the scale and with the words main sent, tagged by its label only', () => {
    const values = new Float32Array([0, 0.5, 1]).buffer;
    const o = stimulusOverlay({
      label: 'C',
      display: { colormap: 'diverging', lo: -1, hi: 1, ends: ['◀ negative', 'positive ▶'] },
      grid: { rows: 1, cols: 3 },
      values,
      range: { min: 0, max: 1 },
      placement: { kind: 'image', imageId: 1, x: 0, y: 0, width: 3, height: 1 },
    } as never);
    expect(o.scale).toEqual({ signed: true, lo: -1, hi: 1 });
    expect(o.ends).toEqual(['◀ negative', 'positive ▶']);
    expect(o.tags).toEqual({ label: 'C' });
    expect(o.caption).toBe('');
  });
});
