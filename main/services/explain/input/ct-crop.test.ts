// The LIDC crop on synthetic slices (described by their id, STYLE.md §12).
import { describe, expect, it } from 'vitest';
import { AIR_HU, cropOrigin, ctCropInput, windowedCrop } from './ct-crop';

/** synthetic:ct_16x12_xramp — HU = 100·column − 1000 (columns 0…15), 12 rows. */
const xramp = { rows: 12, columns: 16, hu: Int16Array.from({ length: 12 * 16 }, (_, i) => 100 * (i % 16) - 1000) };
const lung = { center: -400, width: 1500 }; // −1150 … 350 HU

describe('LIDC crop', () => {
  it('centres the crop on the centroid to within half a pixel', () => {
    expect(cropOrigin({ x: 100, y: 50 }, 64)).toEqual({ x: 69, y: 19 }); // columns 69…132: centre 100.5
    expect(cropOrigin({ x: 101.1, y: 50.4 }, 64)).toEqual({ x: 70, y: 19 }); // 69.6 → 70, 18.9 → 19
    expect(cropOrigin({ x: 10, y: 10 }, 5)).toEqual({ x: 8, y: 8 }); // odd size: exactly centred
  });

  it('clips HU to the window and scales it to 0…1', () => {
    const crop = windowedCrop(xramp, { x: 0, y: 0 }, 16, lung);
    // column c: HU 100c − 1000 → (HU + 1150) / 1500, clipped at 350 HU (column 13 and on).
    for (const c of [0, 5, 12, 13, 15]) expect(crop[c]).toBeCloseTo(Math.min((100 * c - 1000 + 1150) / 1500, 1), 6);
    expect(crop[16 * 5 + 15]).toBe(1);
    expect(windowedCrop({ rows: 1, columns: 1, hu: Int16Array.of(-3024) }, { x: 0, y: 0 }, 1, lung)[0]).toBe(0);
  });

  it('pads outside the slice with air (−1000 HU)', () => {
    const crop = windowedCrop(xramp, { x: -2, y: -1 }, 4, lung);
    const air = (AIR_HU + 1150) / 1500;
    expect(crop[0]).toBeCloseTo(air, 6); // (−2, −1) is outside
    expect(crop[4 + 1]).toBeCloseTo(air, 6); // (−1, 0) is outside
    expect(crop[4 + 2]).toBeCloseTo((-1000 + 1150) / 1500, 6); // (0, 0) is inside
    expect(crop[4 + 3]).toBeCloseTo((-900 + 1150) / 1500, 6);
  });

  it('gives the normalised model input, resized when the crop has another size', () => {
    const spec = { cropPixels: 8, window: lung, channels: 1, height: 8, width: 8, normalise: { mean: [0.5], std: [0.25] } };
    const { image, origin } = ctCropInput(xramp, { x: 8, y: 6 }, spec);
    expect(origin).toEqual({ x: 5, y: 3 }); // rounds 4.5 up
    expect(image[0]).toBeCloseTo(((100 * 5 - 1000 + 1150) / 1500 - 0.5) / 0.25, 5);
    const big = ctCropInput(xramp, { x: 8, y: 6 }, { ...spec, height: 16, width: 16, channels: 3 });
    expect(big.image.length).toBe(3 * 16 * 16);
    expect(big.image[16 * 16 + 5]).toBe(big.image[5]); // grey copied into every channel
    const v = (hu: number) => ((hu + 1150) / 1500 - 0.5) / 0.25;
    expect(big.image[0]).toBeCloseTo(v(100 * 5 - 1000), 5); // left edge clamps to the first column
    expect(big.image[2]).toBeCloseTo(v(100 * 5.75 - 1000), 5); // output column 2 samples source 0.75
  });
});
