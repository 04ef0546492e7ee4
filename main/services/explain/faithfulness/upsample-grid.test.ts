// Known answer: torch.nn.functional.interpolate(mode='bilinear', align_corners=False) of
// [[0, 1], [2, 3]] to 4×4 — sample positions (i + 0.5)/2 − 0.5 = −0.25, 0.25, 0.75, 1.25, clamped.
import { describe, expect, it } from 'vitest';
import { expectVerdict } from './test-fixtures';
import { upsampleGrid } from './upsample-grid';

describe('upsampleGrid', () => {
  it('enlarges a patch grid bilinearly with pixel centres aligned', () => {
    const out = upsampleGrid(Float32Array.from([0, 1, 2, 3]), 2, 2, 4, 4);
    expect(Array.from(out)).toEqual([0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3]);
  });

  it('names a grid of the wrong size', () => {
    expectVerdict(() => upsampleGrid(new Float32Array(5), 2, 2, 4, 4), 'explain.bad-params', 'grid');
    expectVerdict(() => upsampleGrid(new Float32Array(4), 2, 2, 0, 4), 'explain.bad-params', 'height');
  });
});
