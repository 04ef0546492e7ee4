// From a case (and, for CT, one of its nodules) to the model's input tensor and the place on
// the viewer's image the explanation map belongs to. Subjects are checked first, before any
// pixels are read: the model's modality must be the case's, and a CT case needs a nodule.
import type { CaseDetail, Nodule } from '../../../../app/domain';
import type { MapPlacement } from '../../../../app/explain';
import { VerdictError } from '../../../../app/errors';
import type { ImagingService } from '../../imaging/imaging-service';
import type { Manifest } from '../../models/manifest';
import { ctCropInput } from './ct-crop';
import { rgbImageInput } from './rgb-image';

export type Subject =
  | { kind: 'ct'; caseId: number; noduleId: number; seriesId: number; nodule: Nodule }
  | { kind: 'image'; caseId: number; noduleId: null; imageId: number };

export type ModelInput = { image: Float32Array; placement: MapPlacement };

/** The largest nodule of a case: by diameter, then by how many readers marked it. */
export function largestNodule(c: CaseDetail): Nodule | null {
  const sorted = [...c.nodules].sort((a, b) => (b.diameterMm ?? -1) - (a.diameterMm ?? -1) || b.readerCount - a.readerCount || a.id - b.id);
  return sorted[0] ?? null;
}

export function resolveSubject(manifest: Manifest, c: CaseDetail, noduleId: number | null | undefined): Subject {
  if (c.modality !== manifest.modality) {
    throw new VerdictError(
      'explain.modality-mismatch',
      `${manifest.name} reads ${manifest.modality} images but case ${c.label} is ${c.modality}.`,
      { caseId: c.id, modality: c.modality },
    );
  }
  if (manifest.modality === 'CT') {
    const series = c.series[0];
    if (!series || c.nodules.length === 0)
      throw new VerdictError('explain.needs-nodule', `Case ${c.label} has no nodule to explain; CT models read a crop around a nodule.`, {
        caseId: c.id,
      });
    if (noduleId == null) {
      throw new VerdictError(
        'explain.needs-nodule',
        `Case ${c.label} is CT: name one of its nodules (${c.nodules.map((n) => `${n.id} "${n.label}"`).join(', ')}).`,
        { caseId: c.id },
      );
    }
    const nodule = c.nodules.find((n) => n.id === noduleId);
    if (!nodule)
      throw new VerdictError(
        'not-found',
        `Case ${c.label} has no nodule ${noduleId}; its nodules are ${c.nodules.map((n) => n.id).join(', ')}.`,
        { caseId: c.id, noduleId },
      );
    return { kind: 'ct', caseId: c.id, noduleId, seriesId: series.id, nodule };
  }
  if (noduleId != null)
    throw new VerdictError('explain.needs-nodule', `Case ${c.label} is dermoscopy; it has no nodules (leave noduleId out).`, {
      caseId: c.id,
      noduleId,
    });
  const image = c.images[0];
  if (!image) throw new VerdictError('not-found', `Case ${c.label} has no dermoscopic image.`, { caseId: c.id });
  return { kind: 'image', caseId: c.id, noduleId: null, imageId: image.id };
}

export async function loadModelInput(imaging: ImagingService, manifest: Manifest, s: Subject): Promise<ModelInput> {
  const { input } = manifest;
  if (s.kind === 'ct') {
    const sliceIndex = s.nodule.largestSliceIndex;
    const slice = await imaging.ctSlice(s.seriesId, sliceIndex);
    const { image, origin } = ctCropInput({ rows: slice.rows, columns: slice.columns, hu: new Int16Array(slice.hu) }, s.nodule.centroid, {
      cropPixels: input.ct!.cropPixels,
      window: input.ct!.window,
      channels: input.channels,
      height: input.height,
      width: input.width,
      normalise: input.normalise,
    });
    const size = input.ct!.cropPixels;
    return {
      image,
      placement: { kind: 'ct-slice', seriesId: s.seriesId, sliceIndex, x: origin.x, y: origin.y, width: size, height: size },
    };
  }
  const rgba = await imaging.dermoImage(s.imageId);
  const image = rgbImageInput(
    { width: rgba.width, height: rgba.height, rgba: new Uint8Array(rgba.rgba) },
    { height: input.height, width: input.width, normalise: input.normalise },
  );
  return { image, placement: { kind: 'image', imageId: s.imageId, x: 0, y: 0, width: rgba.width, height: rgba.height } };
}

/**
 * A model input kept for the next request on the same subject: where one request computes a map
 * and then measures it (the metrics, the wrong target's map), the input the map was made from is
 * the one perturbed, read and cropped once.
 */
export type SharedInput = { key?: string; input?: ModelInput };

/** The subject's model input: the one `shared` holds when it is this model's and subject's, else loaded (and kept there). */
export async function sharedModelInput(
  shared: SharedInput | undefined,
  imaging: ImagingService,
  manifest: Manifest,
  s: Subject,
): Promise<ModelInput> {
  const key = `${manifest.id}@${manifest.version}/${s.caseId}/${s.noduleId ?? ''}`;
  if (shared?.input && shared.key === key) return shared.input;
  const input = await loadModelInput(imaging, manifest, s);
  if (shared) Object.assign(shared, { key, input });
  return input;
}
