// The localisation check of an attribute-token model: does each diagnostic axis's map point at
// the dermoscopic structures the ISIC 2018 Task 2 masks outline (globules, milia-like cysts,
// negative network, pigment network, streaks)? Per case with attribute masks, per axis and per
// mask: the pointing game (the map's maximum within 15 px per 224 of the mask) and the IoU of
// the map's ≥ 50%-of-maximum region, both at model-input resolution, as the faithfulness
// presets compute them. The masks are not labels of our axes, so this reports where each axis
// looks, per attribute, rather than scoring a right answer.
import type { Database } from 'better-sqlite3';
import { VerdictError } from '../../../../app/errors';
import { targetKind } from '../../../../app/methods';
import type { ImagingService } from '../../imaging/imaging-service';
import { packMethods } from '../../models/manifest';
import type { ModelService } from '../../models/model-service';
import type { CaseService } from '../../cases/case-service';
import type { ExplanationService } from '../explain-service';
import { mapIou } from '../faithfulness/map-iou';
import { pointingGame } from '../faithfulness/pointing-game';
import { upsampleGrid } from '../faithfulness/upsample-grid';
import { resampleToInput } from './truth-mask';

export type LocalisationRow = { case: string; axis: string; attribute: string; maskPixels: number; pointingHit: boolean; iou: number };

type Deps = { db: Database; models: ModelService; cases: CaseService; imaging: ImagingService; explain: ExplanationService };
type MaskRow = { id: number; name: string; image_id: number };

export async function attributeLocalisation(d: Deps, modelId: number): Promise<LocalisationRow[]> {
  const model = d.models.get(modelId);
  const axes = model.manifest.attributes?.axes;
  // The method that maps a diagnostic axis, as the pack offers it.
  const method = packMethods(model.manifest).find((m) => targetKind(m) === 'axis');
  if (!axes || !method)
    throw new VerdictError(
      'explain.unsupported-method',
      `${model.manifest.name} has no diagnostic axes; the localisation check is for attribute-token models.`,
      { part: 'attributes' },
    );
  const { width, height } = model.manifest.input;
  const rows: LocalisationRow[] = [];
  for (const summary of d.cases.list().filter((c) => c.modality === 'dermoscopy')) {
    const c = d.cases.get(summary.id);
    const imageIds = c.images.map((i) => i.id);
    const masks = (d.db.prepare("SELECT id, name, image_id FROM mask WHERE kind = 'attribute' ORDER BY name").all() as MaskRow[]).filter(
      (m) => imageIds.includes(m.image_id),
    );
    if (!masks.length) continue;
    for (const axis of axes) {
      const map = await d.explain.map({ modelId, caseId: c.id, method, target: axis.name });
      if (map.placement.kind !== 'image') continue;
      const values = upsampleGrid(new Float32Array(map.values), map.grid.rows, map.grid.cols, height, width);
      for (const m of masks.filter((x) => x.image_id === (map.placement as { imageId: number }).imageId)) {
        const image = await d.imaging.mask(m.id);
        const mask = resampleToInput({ width: image.width, height: image.height, data: new Uint8Array(image.mask) }, map.placement, {
          width,
          height,
        });
        const maskPixels = mask.reduce((n, v) => n + (v ? 1 : 0), 0);
        // An attribute absent from the image (an empty mask) has nothing to point at.
        if (!maskPixels) continue;
        rows.push({
          case: c.label,
          axis: axis.name,
          attribute: m.name,
          maskPixels,
          pointingHit: pointingGame(values, mask, height, width).hit === 1,
          iou: mapIou(values, mask, height, width).iou,
        });
      }
    }
  }
  return rows;
}
