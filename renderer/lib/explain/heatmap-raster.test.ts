import { describe, expect, it } from 'vitest';
import { MAX_RASTER_SIDE, PIXELS_PER_PATCH, blocks, rasterFactor, rasterise, upsample } from './heatmap-raster';
import { DEFAULT_STYLE, buildTransferFunction, mapScale } from './overlay-style';

const grid = { rows: 2, cols: 2 };
const values = new Float32Array([0, 1, 2, 3]);

describe('upsample', () => {
  it('keeps each patch value at its patch centre and interpolates bilinearly between centres', () => {
    const up = upsample(values, grid, 2);
    // 4×4 output; output pixel centres sit at grid coordinates -0.25, 0.25, 0.75, 1.25.
    expect(up[1 * 4 + 1]).toBeCloseTo(0.25 * 1 + 0.25 * 2, 6); // gx = gy = 0.25
    expect(up[0]).toBe(0); // clamped to patch (0,0)'s centre
    expect(up[15]).toBe(3);
    expect(up[3]).toBe(1);
  });

  it('a constant map stays constant', () => {
    expect([...upsample(new Float32Array([5, 5, 5, 5]), grid, 3)].every((v) => v === 5)).toBe(true);
  });
});

describe('blocks', () => {
  it('repeats each patch value over its block', () => {
    expect([...blocks(values, grid, 2)]).toEqual([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3]);
  });
});

describe('rasterise', () => {
  const tf = buildTransferFunction({ ...DEFAULT_STYLE, opacity: 1, fade: false }, mapScale({ signed: true, range: { min: -1, max: 1 } }));

  it('paints grid × factor pixels, evidence orange and counter-evidence blue', () => {
    const r = rasterise(new Float32Array([1, -1, 0, 1]), grid, tf, false, 2);
    expect([r.width, r.height, r.rgba.length]).toEqual([4, 4, 64]);
    expect([...r.rgba.slice(0, 4)]).toEqual([0xd5, 0x5e, 0x00, 255]);
    expect([...r.rgba.slice(2 * 4, 3 * 4)]).toEqual([0x00, 0x72, 0xb2, 255]);
    expect([...r.rgba.slice(8 * 4, 9 * 4)]).toEqual([0xf7, 0xf7, 0xf7, 255]);
  });

  it('leaves non-finite values transparent and refuses a wrong-sized buffer', () => {
    const r = rasterise(new Float32Array([NaN, 1, 1, 1]), grid, tf, false, 1);
    expect([...r.rgba.slice(0, 4)]).toEqual([0, 0, 0, 0]);
    expect(() => rasterise(new Float32Array(3), grid, tf, true)).toThrow(/needs 4 values, not 3/);
  });
});

describe('rasterFactor', () => {
  it('draws a patch grid at 16 pixels per patch and a map at input resolution (LiMA) at no more than the largest side', () => {
    expect(rasterFactor({ rows: 8, cols: 8 })).toBe(PIXELS_PER_PATCH);
    expect(rasterFactor({ rows: 64, cols: 64 })).toBe(8);
    expect(64 * rasterFactor({ rows: 64, cols: 64 })).toBeLessThanOrEqual(MAX_RASTER_SIDE);
    expect(rasterFactor({ rows: 224, cols: 224 })).toBe(2);
    expect(rasterFactor({ rows: 1024, cols: 512 })).toBe(1);
  });

  it('is what rasterise uses by default: a 64×64 map fills a 512×512 canvas', () => {
    const tf = buildTransferFunction(DEFAULT_STYLE, mapScale({ signed: false, range: { min: 0, max: 1 } }));
    const big = { rows: 64, cols: 64 };
    const r = rasterise(new Float32Array(64 * 64).fill(0.5), big, tf, true);
    expect([r.width, r.height]).toEqual([512, 512]);
  });
});
