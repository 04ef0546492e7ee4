import { describe, expect, it } from 'vitest';
import { affineProjector } from '../ct/projection';
import { bracketPath, markerBox, onNoduleSlice } from './nodule-marker';

const extent = { x0: 100, y0: 200, x1: 130, y1: 220, firstSlice: 40, lastSlice: 46 };

describe('nodule marker', () => {
  it('keeps a margin of a third of the nodule’s size (at least 4 px) around its box', () => {
    expect(markerBox(extent)).toEqual({ x0: 100 - 9.9, y0: 200 - 9.9, x1: 131 + 9.9, y1: 221 + 9.9 });
    expect(markerBox({ ...extent, x1: 102, y1: 202 })).toEqual({ x0: 96, y0: 196, x1: 107, y1: 207 });
  });

  it('is drawn on the nodule’s slices only', () => {
    expect([39, 40, 46, 47].map((s) => onNoduleSlice(extent, s))).toEqual([false, true, true, false]);
  });

  it('draws four corner brackets that leave the nodule itself clear', () => {
    const d = bracketPath(extent, affineProjector([0, 0], [2, 0], [0, 2]));
    expect(d.match(/M/g)).toHaveLength(4);
    const xs = [...d.matchAll(/[MH]([\d.]+)/g)].map((m) => Number(m[1]));
    // Every vertical arm stands outside the nodule's screen box [200, 262].
    expect(Math.min(...xs)).toBeLessThan(200);
    expect(Math.max(...xs)).toBeGreaterThan(262);
  });
});
