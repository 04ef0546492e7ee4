// The ISIC model input on synthetic images.
import { describe, expect, it } from 'vitest';
import { normalise } from './normalise';
import { planarRgb, rgbImageInput } from './rgb-image';

/** synthetic:rgba_4x2_channels — R = 10·x, G = 50·y, B = 200, alpha varied (it must be ignored). */
const img = { width: 4, height: 2, rgba: Uint8Array.from({ length: 32 }, (_, i) => [10 * ((i >> 2) % 4), 50 * (i >> 4), 200, i][i % 4]) };

describe('ISIC input', () => {
  it('turns RGBA into planar RGB, dropping alpha', () => {
    const p = planarRgb(img.rgba, 4, 2);
    expect(Array.from(p.subarray(0, 8))).toEqual([0, 10, 20, 30, 0, 10, 20, 30]);
    expect(Array.from(p.subarray(8, 16))).toEqual([0, 0, 0, 0, 50, 50, 50, 50]);
    expect(Array.from(p.subarray(16))).toEqual(new Array(8).fill(200));
  });

  it('resizes the whole image, divides by 255 and normalises per channel', () => {
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const out = rgbImageInput(img, { height: 1, width: 2, normalise: { mean, std } });
    // 4×2 → 2×1: R averages columns 0,1 (then 2,3) with Pillow's weights; G averages the rows; B stays 200.
    expect(out[0]).toBeCloseTo(((10 * (0.75 * 0 + 0.75 * 1 + 0.25 * 2)) / 1.75 / 255 - mean[0]) / std[0], 4);
    expect(out[2]).toBeCloseTo((25 / 255 - mean[1]) / std[1], 4);
    expect(out[4]).toBeCloseTo((200 / 255 - mean[2]) / std[2], 4);
  });

  it('normalises one value for every channel, or one per channel', () => {
    expect(Array.from(normalise(Float32Array.of(1, 3, 5, 7), 2, { mean: [1], std: [2] }))).toEqual([0, 1, 2, 3]);
    expect(Array.from(normalise(Float32Array.of(1, 3, 5, 7), 2, { mean: [1, 5], std: [2, 1] }))).toEqual([0, 1, 0, 2]);
  });
});
