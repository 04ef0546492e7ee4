import { describe, expect, it } from 'vitest';
import { mapIou } from './map-iou';
import { MAP_4X4 } from './test-fixtures';

// ground truth: the top-right 2×2 block, pixels 2, 3, 6, 7
const mask = Uint8Array.from([0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);

describe('map IoU', () => {
  it('keeps values ≥ 50% of the maximum by default', () => {
    // max 9, keep ≥ 4.5: pixels 1 (5), 3 (9), 5 (7), 7 (8), 10 (6), 14 (5); with the mask: 3, 7
    expect(mapIou(MAP_4X4, mask, 4, 4)).toEqual({ iou: 2 / 8, kept: 6, intersection: 2, union: 8 });
  });

  it('keeps a value exactly at the threshold', () => {
    // max 8: 4 is exactly 50% and is kept, 3.9 is not
    expect(mapIou(Float32Array.from([8, 4, 3.9, 0]), Uint8Array.from([0, 1, 0, 0]), 2, 2)).toEqual({
      iou: 1 / 2,
      kept: 2,
      intersection: 1,
      union: 2,
    });
  });

  it('can keep the top share of pixels instead', () => {
    // top 25% = 4 pixels: 3, 7, 5, 10
    expect(mapIou(MAP_4X4, mask, 4, 4, { kind: 'top', fraction: 0.25 })).toEqual({ iou: 2 / 6, kept: 4, intersection: 2, union: 6 });
  });

  it('keeps nothing of a map without evidence; NaN when both are empty', () => {
    const negative = Float32Array.from(MAP_4X4, (v) => -v - 1);
    expect(mapIou(negative, mask, 4, 4).iou).toBe(0);
    expect(mapIou(negative, new Uint8Array(16), 4, 4).iou).toBeNaN();
  });
});
