// Known answers: torch.nn.functional.interpolate of [[0, 1], [2, 3]] to 4×4 — mode='nearest'
// repeats each value over its 2×2 block; mode='bilinear' (align_corners=False) samples at
// (i + 0.5)/2 − 0.5 = −0.25, 0.25, 0.75, 1.25, clamped.
import { describe, expect, it } from 'vitest';
import { compactness } from './compactness';
import { expectVerdict } from './test-fixtures';
import { upsampleGrid } from './upsample-grid';

describe('upsampleGrid', () => {
  it('enlarges a patch grid by nearest neighbour by default (each patch a block of equal pixels)', () => {
    const out = upsampleGrid(Float32Array.from([0, 1, 2, 3]), 2, 2, 4, 4);
    expect(Array.from(out)).toEqual([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3]);
    // A size the grid does not divide: row = floor(y·rows/H).
    expect(Array.from(upsampleGrid(Float32Array.from([0, 1]), 1, 2, 1, 5))).toEqual([0, 0, 0, 1, 1]);
  });

  it('enlarges bilinearly with pixel centres aligned when asked (display only)', () => {
    const out = upsampleGrid(Float32Array.from([0, 1, 2, 3]), 2, 2, 4, 4, 'bilinear');
    expect(Array.from(out)).toEqual([0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3]);
  });

  it("tells the two apart on a sparse 8×8 map: nearest keeps the grid's compactness, bilinear does not", () => {
    // Three non-zero patches of 64 (a CDAM-like sparse map), to 64×64 as the metrics see it.
    const grid = new Float32Array(64);
    grid[2 * 8 + 2] = 1;
    grid[5 * 8 + 5] = -0.5;
    grid[1 * 8 + 6] = 0.2;
    const nearest = compactness(upsampleGrid(grid, 8, 8, 64, 64));
    const bilinear = compactness(upsampleGrid(grid, 8, 8, 64, 64, 'bilinear'));
    expect(nearest).toBe(61 / 64); // exactly the grid's own: 61 of 64 patches are ≤ 5% of the largest
    expect(compactness(grid)).toBe(61 / 64);
    expect(bilinear).toBeCloseTo(0.8789, 4); // 3600/4096: interpolation spreads each patch over its neighbours
  });

  it('names a grid of the wrong size', () => {
    expectVerdict(() => upsampleGrid(new Float32Array(5), 2, 2, 4, 4), 'explain.bad-params', 'grid');
    expectVerdict(() => upsampleGrid(new Float32Array(4), 2, 2, 0, 4), 'explain.bad-params', 'height');
  });
});
