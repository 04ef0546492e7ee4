import { describe, expect, it } from 'vitest';
import { affineProjector, contourPath, invertProjector } from './projection';

describe('affineProjector', () => {
  it('maps pixels through the affine map given by three projected points', () => {
    // Zoom 2, pan (10, 20): pixel (0,0) → (10,20), (1,0) → (12,20), (0,1) → (10,22).
    const p = affineProjector([10, 20], [12, 20], [10, 22]);
    expect(p(0, 0)).toEqual([10, 20]);
    expect(p(5, 3)).toEqual([20, 26]);
  });

  it('handles rotation and flips (axes need not be aligned)', () => {
    // 90° rotation: x runs down the screen, y runs left.
    const p = affineProjector([100, 100], [100, 101], [99, 100]);
    expect(p(10, 0)).toEqual([100, 110]);
    expect(p(0, 10)).toEqual([90, 100]);
  });
});

describe('contourPath', () => {
  const identity = affineProjector([0, 0], [1, 0], [0, 1]);

  it('closes a polygon', () => {
    expect(contourPath([1, 2, 3, 4, 5, 6], identity)).toBe('M1.0 2.0L3.0 4.0L5.0 6.0Z');
  });

  it('leaves a single point or an open line unclosed and ignores a dangling coordinate', () => {
    expect(contourPath([1, 2], identity)).toBe('M1.0 2.0');
    expect(contourPath([1, 2, 3, 4, 9], identity, false)).toBe('M1.0 2.0L3.0 4.0');
    expect(contourPath([], identity)).toBe('');
  });
});

describe('invertProjector', () => {
  it('takes a screen point back to the image point that projects onto it', () => {
    const p = affineProjector([100, 50], [100, 52], [97, 50]);
    const inv = invertProjector(p);
    const [sx, sy] = p(12.5, -3);
    const [x, y] = inv(sx, sy);
    expect(x).toBeCloseTo(12.5, 9);
    expect(y).toBeCloseTo(-3, 9);
  });
});
