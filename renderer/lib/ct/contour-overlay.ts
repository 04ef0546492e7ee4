// What the contour layer draws on one slice: each shown reader's contours of every nodule on that
// slice (exclusions dashed), and point marks (small nodules, non-nodules) as markers. Contour
// points are pixel indexes, so +0.5 puts a vertex at its pixel's centre in Cornerstone's image
// coordinates, where (0,0) is the top-left corner of the first pixel.
import type { Nodule, PointMark } from '../../../app/domain';
import { contourPath, type Projector } from './projection';
import { readerColour } from './reader-palette';

export type ContourShape = {
  key: string;
  d: string;
  reader: number;
  noduleId: number;
  inclusion: boolean;
  selected: boolean;
  colour: string;
};

export type MarkerShape = { key: string; x: number; y: number; reader: number; kind: PointMark['kind']; colour: string };

export type OverlayInput = {
  nodules: readonly Nodule[];
  pointMarks: readonly PointMark[];
  sliceIndex: number;
  isShown: (reader: number) => boolean;
  selectedNoduleId: number | null;
};

const centred =
  (project: Projector): Projector =>
  (x, y) =>
    project(x + 0.5, y + 0.5);

export function contourShapes(input: OverlayInput, project: Projector): ContourShape[] {
  const p = centred(project);
  const out: ContourShape[] = [];
  for (const n of input.nodules) {
    for (const m of n.marks) {
      if (!input.isShown(m.reader)) continue;
      m.contours.forEach((c, i) => {
        if (c.sliceIndex !== input.sliceIndex) return;
        out.push({
          key: `${n.id}-${m.reader}-${m.readerNoduleId}-${i}`,
          d: contourPath(c.points, p),
          reader: m.reader,
          noduleId: n.id,
          inclusion: c.inclusion,
          selected: n.id === input.selectedNoduleId,
          colour: readerColour(m.reader),
        });
      });
    }
  }
  return out;
}

export function markerShapes(input: OverlayInput, project: Projector): MarkerShape[] {
  const p = centred(project);
  return input.pointMarks
    .filter((m) => m.sliceIndex === input.sliceIndex && input.isShown(m.reader))
    .map((m, i) => {
      const [x, y] = p(m.x, m.y);
      return { key: `${m.reader}-${i}-${m.x}-${m.y}`, x, y, reader: m.reader, kind: m.kind, colour: readerColour(m.reader) };
    });
}
