import { describe, expect, it } from 'vitest';
import { curveColour, curveName, curveRanges, extent, sparklinePoints } from './sparkline';

const box = { width: 104, height: 24, pad: 2 };

describe('sparklines', () => {
  it('span the finite values, widening a flat or empty set', () => {
    expect(extent([0.2, NaN, 0.8, 0.5])).toEqual({ lo: 0.2, hi: 0.8 });
    expect(extent([3, 3])).toEqual({ lo: 2.5, hi: 3.5 });
    expect(extent([])).toEqual({ lo: 0, hi: 1 });
  });

  it('put all of a metric’s curves on one scale', () => {
    const r = curveRanges([
      { fractions: [0, 0.5, 1], scores: [2, 1, 0] },
      { fractions: [0, 1], scores: [2, 4] },
    ]);
    expect(r).toEqual({ x: { lo: 0, hi: 1 }, y: { lo: 0, hi: 4 } });
  });

  it('draw a falling curve from the top left to the bottom right, inside the padding', () => {
    const c = { fractions: [0, 0.5, 1], scores: [1, 0.5, 0] };
    const { x, y } = curveRanges([c]);
    expect(sparklinePoints(c, x, y, box)).toBe('2,2 52,12 102,22');
  });

  it('leave out points that are not numbers', () => {
    const c = { fractions: [0, 0.5, 1], scores: [0, NaN, 1] };
    expect(sparklinePoints(c, { lo: 0, hi: 1 }, { lo: 0, hi: 1 }, box)).toBe('2,22 102,2');
  });

  it('tell MIF and LIF apart', () => {
    expect(curveColour('mif')).not.toBe(curveColour('lif'));
    expect(curveName('mif')).toBe('MIF');
    expect(curveName('curve')).toBe('');
  });
});
