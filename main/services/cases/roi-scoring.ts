// Scores an evidence mark the moment it is given: pointing game (Zhang et al., "Top-Down Neural
// Attention by Excitation Backprop", IJCV 126:1084–1102, 2018 — here: does the mark's point
// fall in the region) and IoU, against the explanation's top region and against the truth
// (LIDC: the union of the readers' contours of the nodule on the mark's slice; ISIC: the
// lesion segmentation mask, where the case has one).
import type { Database } from 'better-sqlite3';
import type { MapPlacement } from '../../../app/explain';
import type { Roi, RoiScores } from '../../../app/study';
import type { ImagingService } from '../imaging/imaging-service';
import { contains, emptyRaster, iou, outlineRaster, polygonRaster, roiPoint, roiRaster, topRegion, type Raster } from './roi-raster';

export type ShownMap = { values: Float32Array; grid: { rows: number; cols: number }; placement: MapPlacement };

export type RoiInput = {
  roi: Roi;
  image: { width: number; height: number };
  /** CT: the slice the mark was drawn on. */
  sliceIndex: number | null;
  heatmap: ShownMap | null;
  truth: { region: Raster; against: string } | null;
};

export function scoreRoi(x: RoiInput): RoiScores {
  const area = roiRaster(x.roi, x.image.width, x.image.height);
  const point = roiPoint(x.roi, area);
  const against = (region: Raster) => ({ pointingHit: contains(region, point), iou: area ? iou(area, region) : null });
  let heatmap: RoiScores['heatmap'] = null;
  if (x.heatmap) {
    const p = x.heatmap.placement;
    const sameSlice = p.kind !== 'ct-slice' || x.sliceIndex === null || x.sliceIndex === p.sliceIndex;
    const region = topRegion(x.heatmap.values, x.heatmap.grid, p, x.image.width, x.image.height);
    if (region) heatmap = sameSlice ? against(region) : { pointingHit: false, iou: area ? 0 : null };
  }
  return { heatmap, truth: x.truth ? { ...against(x.truth.region), against: x.truth.against } : null };
}

type ContourRow = { mark_id: number; inclusion: number; points_json: string };

/** LIDC: the union over readers of (inclusion contours minus exclusion contours) of one nodule on one slice. */
export function lidcTruth(
  db: Database,
  noduleId: number,
  sliceIndex: number,
  width: number,
  height: number,
): { region: Raster; against: string } | null {
  const marks = (db.prepare("SELECT count(*) AS n FROM lidc_mark WHERE nodule_id = ? AND kind = 'nodule'").get(noduleId) as { n: number })
    .n;
  if (marks === 0) return null;
  const rows = db
    .prepare(
      `SELECT c.mark_id, c.inclusion, c.points_json FROM lidc_contour c JOIN lidc_mark m ON m.id = c.mark_id
    WHERE m.nodule_id = ? AND c.slice_index = ? ORDER BY c.mark_id, c.inclusion DESC, c.id`,
    )
    .all(noduleId, sliceIndex) as ContourRow[];
  const union = emptyRaster(width, height);
  const byMark = new Map<number, ContourRow[]>();
  for (const r of rows) byMark.set(r.mark_id, [...(byMark.get(r.mark_id) ?? []), r]);
  for (const contours of byMark.values()) {
    const own = emptyRaster(width, height);
    for (const c of contours) {
      const pts = JSON.parse(c.points_json) as number[];
      if (c.inclusion) outlineRaster(pts, polygonRaster(pts, width, height, 0, own, 1), 1);
      else polygonRaster(pts, width, height, 0, own, 0);
    }
    for (let i = 0; i < own.data.length; i++) union.data[i] |= own.data[i];
  }
  return { region: union, against: `LIDC contours of ${marks} reader(s), slice ${sliceIndex}` };
}

/** ISIC: the lesion segmentation of the case's image, if it has one. */
export async function isicTruth(
  db: Database,
  imaging: ImagingService,
  imageId: number,
): Promise<{ region: Raster; against: string } | null> {
  const m = db.prepare("SELECT id FROM mask WHERE image_id = ? AND kind = 'segmentation' ORDER BY id LIMIT 1").get(imageId) as
    { id: number } | undefined;
  if (!m) return null;
  const mask = await imaging.mask(m.id);
  return { region: { width: mask.width, height: mask.height, data: new Uint8Array(mask.mask) }, against: 'ISIC lesion segmentation' };
}
