import { describe, expect, it } from 'vitest';
import { affineProjector } from '../ct/projection';
import { cssMatrix, placementCorners, placementMatrix } from './placement';

const apply = ([a, b, c, d, e, f]: number[], u: number, v: number) => [a * u + c * v + e, b * u + d * v + f];

describe('placementMatrix', () => {
  const zoomPan = affineProjector([10, 20], [12, 20], [10, 22]); // zoom 2, pan (10, 20)
  const rect = { x: 100, y: 50, width: 64, height: 32 };

  it('maps the canvas corners onto the projected rectangle corners', () => {
    const m = placementMatrix(zoomPan, rect, 128, 128);
    expect(apply(m, 0, 0)).toEqual(zoomPan(100, 50));
    expect(apply(m, 128, 0)).toEqual(zoomPan(164, 50));
    expect(apply(m, 0, 128)).toEqual(zoomPan(100, 82));
    expect(apply(m, 128, 128)).toEqual(zoomPan(164, 82));
  });

  it('follows a rotated view', () => {
    const rotated = affineProjector([100, 100], [100, 101], [99, 100]);
    const m = placementMatrix(rotated, rect, 64, 32);
    expect(apply(m, 64, 32)).toEqual(rotated(164, 82));
  });

  it('formats as CSS', () => {
    expect(cssMatrix([1, 0, 0, 1, 2.5, 1 / 3])).toBe('matrix(1, 0, 0, 1, 2.5, 0.333333)');
  });
});

describe('placementCorners', () => {
  it('projects the corners clockwise from the top-left', () => {
    const flipped = affineProjector([100, 0], [99, 0], [100, 1]);
    expect(placementCorners(flipped, { x: 10, y: 10, width: 20, height: 5 })).toEqual([
      [90, 10],
      [70, 10],
      [70, 15],
      [90, 15],
    ]);
  });
});
