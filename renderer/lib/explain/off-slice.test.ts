import { describe, expect, it } from 'vitest';
import { offSliceMessage, offSliceTarget } from './off-slice';

const ct = (seriesId: number, sliceIndex: number) => ({
  placement: { kind: 'ct-slice' as const, seriesId, sliceIndex, x: 0, y: 0, width: 64, height: 64 },
});
const image = { placement: { kind: 'image' as const, imageId: 3, x: 0, y: 0, width: 224, height: 224 } };

describe('off-slice notice', () => {
  it('names the map’s slice when the viewer shows another slice of its series', () => {
    expect(offSliceTarget([ct(7, 41), null], 7, 42)).toBe(41);
    expect(offSliceTarget([null, ct(7, 41)], 7, 0)).toBe(41);
    expect(offSliceTarget([ct(7, 41)], null, 0)).toBe(41);
  });

  it('is silent on the map’s slice, for another series, a dermoscopy map, or no map', () => {
    expect(offSliceTarget([ct(7, 41)], 7, 41)).toBeNull();
    expect(offSliceTarget([ct(7, 41), ct(7, 50)], 7, 50)).toBeNull();
    expect(offSliceTarget([ct(8, 41)], 7, 42)).toBeNull();
    expect(offSliceTarget([image as never], 7, 42)).toBeNull();
    expect(offSliceTarget([null, null], 7, 42)).toBeNull();
  });

  it('counts slices from 1 as the viewer does', () => {
    expect(offSliceMessage(41)).toBe('Explanation is on slice 42 — press J or click to jump');
  });
});
