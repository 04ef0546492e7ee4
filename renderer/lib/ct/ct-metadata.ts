// Metadata for `verdict:ct/…` images, answered from the SeriesInfo main sent with the case.
// Main owns DICOM: it sends HU values and slice positions along the normal, not the patient
// geometry, so each series gets a synthetic axial frame (origin 0,0; z = slice position). LIDC
// contours are in pixel coordinates, so nothing that we draw depends on the patient frame.
import type { SeriesInfo } from '../../../app/domain';
import { parseCtImageId } from './ct-image-id';
import { OPENING_WINDOW } from './window-presets';

const series = new Map<number, SeriesInfo>();

/**
 * Makes a series' metadata available to Cornerstone. Returns true when the id was registered
 * for different pixels before (another study database reuses row ids), so cached slices of that
 * id must be dropped.
 */
export function registerSeries(info: SeriesInfo): boolean {
  const before = series.get(info.id);
  series.set(info.id, info);
  return before !== undefined && (before.seriesInstanceUid !== info.seriesInstanceUid || before.sliceCount !== info.sliceCount);
}

export function seriesInfo(seriesId: number): SeriesInfo | undefined {
  return series.get(seriesId);
}

const AXIAL = [1, 0, 0, 0, 1, 0];

type Module = Record<string, unknown>;

/** A Cornerstone metadata provider: `(type, imageId) => module | undefined`. */
export function ctMetadataProvider(type: string, imageId: string): Module | undefined {
  const ref = parseCtImageId(imageId);
  const info = ref && series.get(ref.seriesId);
  if (!ref || !info || ref.index >= info.sliceCount) return undefined;
  const [rowSpacing, colSpacing] = info.pixelSpacing ?? [1, 1];
  const z = info.slicePositions[ref.index] ?? ref.index;
  // Cornerstone resets to this window (R): the opening preset, whatever the header says.
  const window = OPENING_WINDOW;
  switch (type) {
    case 'imagePlaneModule':
      return {
        frameOfReferenceUID: `verdict:series/${info.id}`,
        rows: info.rows,
        columns: info.columns,
        imageOrientationPatient: AXIAL,
        rowCosines: [1, 0, 0],
        columnCosines: [0, 1, 0],
        imagePositionPatient: [0, 0, z],
        pixelSpacing: [rowSpacing, colSpacing],
        rowPixelSpacing: rowSpacing,
        columnPixelSpacing: colSpacing,
        sliceThickness: info.sliceThickness ?? info.sliceSpacing ?? undefined,
        spacingBetweenSlices: info.sliceSpacing ?? undefined,
        sliceLocation: z,
        usingDefaultValues: info.pixelSpacing === null,
      };
    case 'imagePixelModule':
      return {
        samplesPerPixel: 1,
        photometricInterpretation: 'MONOCHROME2',
        rows: info.rows,
        columns: info.columns,
        bitsAllocated: 16,
        bitsStored: 16,
        highBit: 15,
        pixelRepresentation: 1,
      };
    case 'generalSeriesModule':
      return { modality: 'CT', seriesInstanceUID: info.seriesInstanceUid, seriesNumber: info.id };
    case 'generalImageModule':
      return { instanceNumber: ref.index + 1 };
    // Main sends HU, so the modality LUT is the identity.
    case 'modalityLutModule':
      return { rescaleSlope: 1, rescaleIntercept: 0, rescaleType: 'HU' };
    case 'voiLutModule':
      return { windowCenter: [window.center], windowWidth: [window.width], voiLUTFunction: 'LINEAR' };
    default:
      return undefined;
  }
}
