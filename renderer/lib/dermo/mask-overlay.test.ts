import { describe, expect, it } from 'vitest';
import { overlayPixels } from './mask-overlay';

const mask = (bits: number[], width = 2, height = 2) => ({ width, height, mask: new Uint8Array(bits).buffer });

describe('overlayPixels', () => {
  it('paints each mask’s pixels opaque in its colour, later masks on top', () => {
    const px = overlayPixels(2, 2, [
      { mask: mask([1, 1, 0, 0]), colour: [10, 20, 30] },
      { mask: mask([0, 1, 0, 1]), colour: [200, 100, 50] },
    ]);
    expect([...px]).toEqual([10, 20, 30, 255, 200, 100, 50, 255, 0, 0, 0, 0, 200, 100, 50, 255]);
  });

  it('skips a mask of another size rather than smearing it', () => {
    expect([...overlayPixels(2, 2, [{ mask: mask([1, 1, 1], 3, 1), colour: [1, 2, 3] }])].every((v) => v === 0)).toBe(true);
  });
});
