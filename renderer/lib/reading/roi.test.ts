import { describe, expect, it } from 'vitest';
import { affineProjector } from '../ct/projection';
import { boxRoi, clampPoint, degenerateBox, describeRoi, freehandRoi, roiDrawing, roiOnSlice, thinPoints } from './roi';

const twice = affineProjector([10, 20], [12, 20], [10, 22]);

describe('roi', () => {
  it('makes a box from corners dragged either way', () => {
    expect(boxRoi([30, 5], [10.123, 40], 7)).toEqual({ shape: 'box', x0: 10.12, y0: 5, x1: 30, y1: 40, sliceIndex: 7 });
    expect(boxRoi([1, 1], [2, 2])).not.toHaveProperty('sliceIndex');
    expect(degenerateBox(boxRoi([1, 1], [1.5, 9]))).toBe(true);
  });

  it('needs three vertices for an outline and thins a mouse trail', () => {
    expect(
      freehandRoi([
        [0, 0],
        [1, 1],
      ]),
    ).toBeNull();
    expect(
      freehandRoi([
        [0, 0],
        [4, 0],
        [4, 4],
      ]),
    ).toEqual({ shape: 'freehand', points: [0, 0, 4, 0, 4, 4] });
    expect(
      thinPoints(
        [
          [0, 0],
          [0.5, 0],
          [2, 0],
          [2.1, 0],
          [4, 0],
        ],
        1,
      ),
    ).toEqual([
      [0, 0],
      [2, 0],
      [4, 0],
    ]);
  });

  it('keeps points inside the image', () => {
    expect(clampPoint([-3, 250], { width: 224, height: 224 })).toEqual([0, 224]);
  });

  it('draws marks through the projector', () => {
    expect(roiDrawing({ shape: 'click', x: 5, y: 5 }, twice)).toEqual({ kind: 'marker', x: 20, y: 30 });
    expect(roiDrawing({ shape: 'box', x0: 0, y0: 0, x1: 1, y1: 2 }, twice)).toEqual({
      kind: 'path',
      d: 'M10.0 20.0L12.0 20.0L12.0 24.0L10.0 24.0Z',
    });
  });

  it('places marks on their slice and describes them', () => {
    expect(roiOnSlice({ shape: 'click', x: 1, y: 1, sliceIndex: 3 }, 4)).toBe(false);
    expect(roiOnSlice({ shape: 'click', x: 1, y: 1 }, 4)).toBe(true);
    expect(describeRoi({ shape: 'box', x0: 0, y0: 0, x1: 12, y1: 20, sliceIndex: 86 })).toBe('box 12×20 px on slice 87');
  });
});
