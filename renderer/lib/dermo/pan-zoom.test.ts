import { describe, expect, it } from 'vitest';
import { MAX_ZOOM, fitView, panBy, toImage, zoomAt } from './pan-zoom';

describe('pan-zoom', () => {
  it('fits and centres the image in the box', () => {
    const v = fitView({ width: 800, height: 600 }, { width: 1000, height: 500 }, 1);
    expect(v).toEqual({ scale: 0.8, tx: 0, ty: 100 });
  });

  it('zooms about the cursor: the image point under it stays put', () => {
    const v = { scale: 1, tx: 10, ty: 20 };
    const before = toImage(v, 300, 200);
    const z = zoomAt(v, 2, 300, 200, 1);
    expect(z.scale).toBe(2);
    expect(toImage(z, 300, 200)).toEqual(before);
  });

  it('bounds the zoom relative to the fit', () => {
    expect(zoomAt({ scale: 1, tx: 0, ty: 0 }, 1000, 0, 0, 0.5).scale).toBe(0.5 * MAX_ZOOM);
    expect(panBy({ scale: 2, tx: 1, ty: 2 }, 3, -4)).toEqual({ scale: 2, tx: 4, ty: -2 });
  });
});
