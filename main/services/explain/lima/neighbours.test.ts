import { describe, expect, it } from 'vitest';
import { regionNeighbours } from './neighbours';
import { gridLabels } from './test-models';

describe('regionNeighbours', () => {
  it('links regions that share an edge, not a corner', () => {
    // 2×3 grid of regions (0 1 2 / 3 4 5), each 2×2 pixels
    const nb = regionNeighbours(gridLabels(2, 3, 4, 6), 6, 6);
    expect(nb).toEqual([
      [1, 3],
      [0, 2, 4],
      [1, 5],
      [0, 4],
      [1, 3, 5],
      [2, 4],
    ]);
  });

  it('handles an enclosed region and a region alone', () => {
    // 0 surrounds 1 in a 3×3 image; a 1-region image has no neighbours
    const ring = Int32Array.from([0, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(regionNeighbours(ring, 3, 2)).toEqual([[1], [0]]);
    expect(regionNeighbours(new Int32Array(4), 2, 1)).toEqual([[]]);
  });
});
