// Known answers for evidence-mark scoring on synthetic maps and outlines.
import { describe, expect, it } from 'vitest';
import type { MapPlacement } from '../../../app/explain';
import { boxRaster, emptyRaster, iou, outlineRaster, polygonRaster, topRegion } from './roi-raster';
import { scoreRoi, type ShownMap } from './roi-scoring';

// A 4×4 map placed at (10, 20), 40×40 px (10 px patches), on a 64×64 image: its top region
// (≥ half of the largest positive value) is patches (1,1) and (1,2): x 20…40, y 30…40.
const values = new Float32Array(16).fill(0.1);
values[1 * 4 + 1] = 1;
values[1 * 4 + 2] = 0.8;
values[3 * 4 + 3] = -5;
const placement: MapPlacement = { kind: 'image', imageId: 1, x: 10, y: 20, width: 40, height: 40 };
const map: ShownMap = { values, grid: { rows: 4, cols: 4 }, placement };
const image = { width: 64, height: 64 };
const score = (
  roi: Parameters<typeof scoreRoi>[0]['roi'],
  heatmap: ShownMap | null = map,
  truth: Parameters<typeof scoreRoi>[0]['truth'] = null,
  sliceIndex: number | null = null,
) => scoreRoi({ roi, image, sliceIndex, heatmap, truth });

describe('ROI scores', () => {
  it('a box exactly on the top patches: IoU 1 and a hit', () => {
    expect(score({ shape: 'box', x0: 20, y0: 30, x1: 40, y1: 40 }).heatmap).toEqual({ pointingHit: true, iou: 1 });
    expect(score({ shape: 'box', x1: 20, y1: 30, x0: 40, y0: 40 }).heatmap).toEqual({ pointingHit: true, iou: 1 });
  });

  it('a box on half the region: IoU 0.5; a box elsewhere: a miss', () => {
    expect(score({ shape: 'box', x0: 20, y0: 30, x1: 30, y1: 40 }).heatmap).toEqual({ pointingHit: true, iou: 0.5 });
    expect(score({ shape: 'box', x0: 0, y0: 0, x1: 10, y1: 10 }).heatmap).toEqual({ pointingHit: false, iou: 0 });
  });

  it('a freehand outline of the region scores as the box does', () => {
    expect(score({ shape: 'freehand', points: [20, 30, 40, 30, 40, 40, 20, 40] }).heatmap).toEqual({ pointingHit: true, iou: 1 });
  });

  it('a click scores a hit or a miss, with no IoU', () => {
    expect(score({ shape: 'click', x: 25, y: 35 }).heatmap).toEqual({ pointingHit: true, iou: null });
    expect(score({ shape: 'click', x: 45, y: 35 }).heatmap).toEqual({ pointingHit: false, iou: null });
  });

  it('a map with no positive value has no top region', () => {
    expect(topRegion(new Float32Array(16).fill(-1), map.grid, placement, 64, 64)).toBeNull();
    expect(score({ shape: 'click', x: 25, y: 35 }, { ...map, values: new Float32Array(16).fill(-1) }).heatmap).toBeNull();
  });

  it("a mark on another CT slice than the map's misses it", () => {
    const ct: ShownMap = { ...map, placement: { kind: 'ct-slice', seriesId: 1, sliceIndex: 7, x: 10, y: 20, width: 40, height: 40 } };
    expect(score({ shape: 'box', x0: 20, y0: 30, x1: 40, y1: 40 }, ct, null, 7).heatmap).toEqual({ pointingHit: true, iou: 1 });
    expect(score({ shape: 'box', x0: 20, y0: 30, x1: 40, y1: 40 }, ct, null, 8).heatmap).toEqual({ pointingHit: false, iou: 0 });
  });

  it('scores against the truth region and names it', () => {
    const truth = { region: boxRaster(20, 30, 40, 50, 64, 64), against: 'synthetic' };
    expect(score({ shape: 'box', x0: 20, y0: 30, x1: 40, y1: 40 }, null, truth)).toEqual({
      heatmap: null,
      truth: { pointingHit: true, iou: 0.5, against: 'synthetic' },
    });
  });
});

describe('rasters', () => {
  it('fills an LIDC outline with the pixels on it', () => {
    const r = outlineRaster([5, 5, 9, 5, 9, 9, 5, 9], polygonRaster([5, 5, 9, 5, 9, 9, 5, 9], 16, 16, 0));
    expect(r.data.reduce((a, b) => a + b, 0)).toBe(25);
    expect(r.data[5 * 16 + 5]).toBe(1);
    expect(r.data[9 * 16 + 9]).toBe(1);
    expect(r.data[10 * 16 + 9]).toBe(0);
  });

  it('cuts an exclusion outline out of an inclusion', () => {
    const r = polygonRaster([0, 0, 10, 0, 10, 10, 0, 10], 16, 16, 0);
    polygonRaster([3, 3, 6, 3, 6, 6, 3, 6], 16, 16, 0, r, 0);
    expect(r.data[4 * 16 + 4]).toBe(0);
    expect(r.data[1 * 16 + 1]).toBe(1);
  });

  it('IoU of identical and disjoint regions', () => {
    const a = boxRaster(0, 0, 4, 4, 8, 8);
    expect(iou(a, a)).toBe(1);
    expect(iou(a, boxRaster(4, 4, 8, 8, 8, 8))).toBe(0);
    expect(iou(emptyRaster(8, 8), emptyRaster(8, 8))).toBe(0);
  });
});
