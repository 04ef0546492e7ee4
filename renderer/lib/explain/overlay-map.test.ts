import { describe, expect, it } from 'vitest';
import { barEnds } from './overlay-map';

const ends = (signed: boolean, method?: string) => barEnds({ signed, tags: method ? { method } : { label: 'A' } });

describe('colour bar words', () => {
  it('name evidence for the CDAM family and similarity for prototype maps', () => {
    expect(ends(true, 'cdam')).toEqual(['◀ counter-evidence', 'evidence ▶']);
    expect(ends(true, 'prototype-map')).toEqual(['◀ unlike the prototype', 'like the prototype ▶']);
  });

  it('name what an unsigned map measures, and stay neutral for a blinded stimulus', () => {
    expect(ends(false, 'attention')).toEqual(['low attention', 'high attention']);
    expect(ends(false, 'attribute-map')).toEqual(['low attention', 'high attention']);
    expect(ends(false, 'lima')).toEqual(['low importance', 'high importance']);
    expect(ends(false)).toEqual(['low', 'high']);
    expect(ends(true)).toEqual(['◀ counter-evidence', 'evidence ▶']);
  });
});
