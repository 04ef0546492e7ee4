import { describe, expect, it } from 'vitest';
import { RoiSketch } from './roi-sketch';

const size = { width: 100, height: 80 };

describe('RoiSketch', () => {
  it('drags a box, kept inside the image, on its slice', () => {
    const s = new RoiSketch();
    s.start('box', size, () => 12);
    s.down([90, 10]);
    s.move([130, 50]);
    expect(s.up([130, 50])).toEqual({ shape: 'box', x0: 90, y0: 10, x1: 100, y1: 50, sliceIndex: 12 });
  });

  it('ignores a box too small to mean anything', () => {
    const s = new RoiSketch();
    s.start('box', size);
    s.down([10, 10]);
    expect(s.up([10.4, 30])).toBeNull();
  });

  it('draws by keyboard: a box from two corners, an outline closed with C, Escape cancels', () => {
    const s = new RoiSketch();
    s.start('box', size);
    expect(s.cursor).toEqual([50, 40]);
    s.key('Enter', false, 1);
    s.key('ArrowRight', true, 1);
    s.key('ArrowDown', false, 2);
    expect(s.key('Enter', false, 1)).toEqual({ done: { shape: 'box', x0: 50, y0: 40, x1: 58, y1: 42 }, cancelled: false });

    s.start('freehand', size);
    s.key('Enter', false, 1);
    s.key('ArrowRight', false, 10);
    s.key('Enter', false, 1);
    s.key('ArrowDown', false, 10);
    s.key('Enter', false, 1);
    expect(s.key('c', false, 1)?.done).toEqual({ shape: 'freehand', points: [50, 40, 60, 40, 60, 50] });
    expect(s.key('Escape', false, 1)).toEqual({ done: null, cancelled: true });
    expect(s.key('x', false, 1)).toBeNull();
  });

  it('a click marks where it was pressed', () => {
    const s = new RoiSketch();
    s.start('click', size);
    s.down([3.333, 4]);
    expect(s.up([5, 5])).toEqual({ shape: 'click', x: 3.33, y: 4 });
  });
});
