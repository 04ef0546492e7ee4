// Evidence marks drawn on a CT slice with Cornerstone's own annotation tools (Probe for a click,
// RectangleROI for a box, PlanarFreehandROI for an outline). A finished annotation becomes a Roi
// in image pixel coordinates of its slice (pixel i spans [i, i+1], as for contours and maps) and
// is then removed: the answer, not Cornerstone's annotation state, is what is kept and redrawn.
import type { Types } from '@cornerstonejs/core';
import { PlanarFreehandROITool, ProbeTool, RectangleROITool, type Types as ToolTypes } from '@cornerstonejs/tools';
import type { Roi } from '../../../app/study';

export type RoiShape = Roi['shape'];

export const ROI_TOOL_NAMES: Record<RoiShape, string> = {
  click: ProbeTool.toolName,
  box: RectangleROITool.toolName,
  freehand: PlanarFreehandROITool.toolName,
};

export const ROI_TOOLS = [ProbeTool, RectangleROITool, PlanarFreehandROITool];

/** World point → continuous image coordinates of that slice. */
export type ToImage = (imageId: string, world: Types.Point3) => [number, number] | null;

const round = (v: number) => Math.round(v * 100) / 100;

/** The Roi a completed annotation marks, or null when it is not one of ours or has no points. */
export function annotationToRoi(a: ToolTypes.Annotation, sliceIndex: number, toImage: ToImage): Roi | null {
  const imageId = a.metadata?.referencedImageId;
  if (!imageId) return null;
  const image = (points: Types.Point3[] | undefined) =>
    (points ?? []).flatMap((p) => {
      const xy = toImage(imageId, p);
      return xy ? [[round(xy[0]), round(xy[1])] as [number, number]] : [];
    });
  switch (a.metadata?.toolName) {
    case ProbeTool.toolName: {
      const [p] = image(a.data.handles?.points);
      return p ? { shape: 'click', x: p[0], y: p[1], sliceIndex } : null;
    }
    case RectangleROITool.toolName: {
      const ps = image(a.data.handles?.points);
      if (ps.length < 2) return null;
      const xs = ps.map((p) => p[0]);
      const ys = ps.map((p) => p[1]);
      return { shape: 'box', x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys), sliceIndex };
    }
    case PlanarFreehandROITool.toolName: {
      const ps = image(a.data.contour?.polyline);
      return ps.length >= 3 ? { shape: 'freehand', points: ps.flat(), sliceIndex } : null;
    }
    default:
      return null;
  }
}
