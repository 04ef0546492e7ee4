// The ground truth a map is scored against (pointing game, IoU), brought to the model input's
// pixels: LIDC readers' contours of the nodule on the crop's slice, or the ISIC lesion
// segmentation. Each input pixel takes the truth at its centre mapped through the placement.
import type { Database } from 'better-sqlite3';
import type { MapPlacement } from '../../../../app/explain';
import type { ImagingService } from '../../imaging/imaging-service';
import { isicTruth, lidcTruth } from '../../cases/roi-scoring';
import type { Raster } from '../../cases/roi-raster';

export type TruthMask = { mask: Uint8Array; against: string };

export async function truthMask(
  db: Database,
  imaging: ImagingService,
  subject: { noduleId: number | null },
  placement: MapPlacement,
  image: { width: number; height: number },
  input: { width: number; height: number },
): Promise<TruthMask | null> {
  const truth =
    placement.kind === 'ct-slice'
      ? subject.noduleId === null
        ? null
        : lidcTruth(db, subject.noduleId, placement.sliceIndex, image.width, image.height)
      : await isicTruth(db, imaging, placement.imageId);
  if (!truth) return null;
  return { mask: resampleToInput(truth.region, placement, input), against: truth.against };
}

/** Nearest sample at each input pixel's centre; outside the image is not truth. */
export function resampleToInput(
  region: Raster,
  placement: { x: number; y: number; width: number; height: number },
  input: { width: number; height: number },
): Uint8Array {
  const out = new Uint8Array(input.width * input.height);
  const sx = placement.width / input.width;
  const sy = placement.height / input.height;
  for (let v = 0; v < input.height; v++) {
    const y = Math.floor(placement.y + (v + 0.5) * sy);
    if (y < 0 || y >= region.height) continue;
    for (let u = 0; u < input.width; u++) {
      const x = Math.floor(placement.x + (u + 0.5) * sx);
      if (x >= 0 && x < region.width) out[v * input.width + u] = region.data[y * region.width + x];
    }
  }
  return out;
}
