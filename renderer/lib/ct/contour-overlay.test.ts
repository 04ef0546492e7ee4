import { describe, expect, it } from 'vitest';
import type { Nodule, PointMark } from '../../../app/domain';
import { contourShapes, markerShapes, type OverlayInput } from './contour-overlay';
import { affineProjector } from './projection';
import { readerColour } from './reader-palette';

const square = (x: number, y: number) => [x, y, x + 2, y, x + 2, y + 2, x, y + 2];
const nodule: Nodule = {
  id: 7,
  label: 'N1',
  readerCount: 2,
  centroid: { x: 11, y: 11, sliceIndex: 4 },
  largestSliceIndex: 4,
  diameterMm: 5,
  medianMalignancy: 3,
  marks: [
    {
      reader: 1,
      readerNoduleId: 'a',
      characteristics: null,
      contours: [
        { sliceIndex: 4, inclusion: true, points: square(10, 10) },
        { sliceIndex: 5, inclusion: true, points: square(10, 10) },
        { sliceIndex: 4, inclusion: false, points: square(11, 11) },
      ],
    },
    { reader: 2, readerNoduleId: 'b', characteristics: null, contours: [{ sliceIndex: 4, inclusion: true, points: square(9, 9) }] },
  ],
};
const points: PointMark[] = [
  { reader: 3, kind: 'non-nodule', sliceIndex: 4, x: 100, y: 50 },
  { reader: 3, kind: 'small-nodule', sliceIndex: 6, x: 1, y: 1 },
];
const identity = affineProjector([0, 0], [1, 0], [0, 1]);
const input = (over: Partial<OverlayInput> = {}): OverlayInput => ({
  nodules: [nodule],
  pointMarks: points,
  sliceIndex: 4,
  isShown: () => true,
  selectedNoduleId: null,
  ...over,
});

describe('contourShapes', () => {
  it('draws every shown reader’s contours on the slice, exclusions marked, at pixel centres', () => {
    const shapes = contourShapes(input({ selectedNoduleId: 7 }), identity);
    expect(shapes.map((s) => [s.reader, s.inclusion])).toEqual([
      [1, true],
      [1, false],
      [2, true],
    ]);
    expect(shapes[0].d).toBe('M10.5 10.5L12.5 10.5L12.5 12.5L10.5 12.5Z');
    expect(shapes.every((s) => s.selected && s.noduleId === 7)).toBe(true);
    expect(shapes[2].colour).toBe(readerColour(2));
    expect(new Set(shapes.map((s) => s.key)).size).toBe(shapes.length);
  });

  it('leaves out hidden readers and other slices', () => {
    expect(contourShapes(input({ isShown: (r) => r !== 1 }), identity).map((s) => s.reader)).toEqual([2]);
    expect(contourShapes(input({ sliceIndex: 5 }), identity)).toHaveLength(1);
    expect(contourShapes(input({ sliceIndex: 0 }), identity)).toEqual([]);
  });
});

describe('markerShapes', () => {
  it('places point marks of the slice, projected', () => {
    const zoom2 = affineProjector([0, 0], [2, 0], [0, 2]);
    expect(markerShapes(input(), zoom2)).toMatchObject([{ reader: 3, kind: 'non-nodule', x: 201, y: 101 }]);
    expect(markerShapes(input({ isShown: () => false }), zoom2)).toEqual([]);
  });
});
