// Enhanced multi-frame objects (Enhanced CT/MR, PS3.3 C.7.6.16) keep geometry and rescale in
// functional groups instead of top-level attributes: per frame, or shared by all frames. A
// per-frame value wins over a shared one, as the standard says.
import type { DataSet } from './dicom-parser-lib';
import { decimal, decimals, firstItem } from './dataset-values';
import { TAG } from './tags';
import type { FrameInfo, Orientation, Vec3 } from './types';

export type FunctionalGroups = {
  frames: FrameInfo[];
  orientation: Orientation | null;
  pixelSpacing: [number, number] | null;
  sliceThickness: number | null;
  spacingBetweenSlices: number | null;
  window: { center: number; width: number } | null;
};

/** The first macro item found: per-frame group first, then shared group. */
const macro = (perFrame: DataSet | null, shared: DataSet | null, seq: keyof typeof TAG): DataSet | null =>
  firstItem(perFrame, seq) ?? firstItem(shared, seq);

/** `rescale` is the top-level RescaleSlope/Intercept (or 1/0), used for frames whose groups have none. */
export const readFunctionalGroups = (
  ds: DataSet,
  numberOfFrames: number,
  rescale: { slope: number; intercept: number },
): FunctionalGroups | null => {
  const shared = firstItem(ds, 'SharedFunctionalGroupsSequence');
  const perFrameItems = ds.elements[TAG.PerFrameFunctionalGroupsSequence]?.items ?? [];
  if (!shared && perFrameItems.length === 0) return null;
  const perFrame = (i: number): DataSet | null => perFrameItems[i]?.dataSet ?? null;

  const frames: FrameInfo[] = [];
  for (let i = 0; i < numberOfFrames; i++) {
    const pos = macro(perFrame(i), shared, 'PlanePositionSequence');
    const position = pos ? (decimals(pos, 'ImagePositionPatient', 3) as Vec3 | null) : null;
    const pvt = macro(perFrame(i), shared, 'PixelValueTransformationSequence');
    frames.push({
      position,
      rescaleSlope: (pvt && decimal(pvt, 'RescaleSlope')) ?? rescale.slope,
      rescaleIntercept: (pvt && decimal(pvt, 'RescaleIntercept')) ?? rescale.intercept,
    });
  }
  const orient = macro(perFrame(0), shared, 'PlaneOrientationSequence');
  const measures = macro(perFrame(0), shared, 'PixelMeasuresSequence');
  const voi = macro(perFrame(0), shared, 'FrameVOILUTSequence');
  const center = voi && decimal(voi, 'WindowCenter');
  const width = voi && decimal(voi, 'WindowWidth');
  return {
    frames,
    orientation: orient ? (decimals(orient, 'ImageOrientationPatient', 6) as Orientation | null) : null,
    pixelSpacing: measures ? (decimals(measures, 'PixelSpacing', 2) as [number, number] | null) : null,
    sliceThickness: measures ? decimal(measures, 'SliceThickness') : null,
    spacingBetweenSlices: measures ? decimal(measures, 'SpacingBetweenSlices') : null,
    window: center !== null && width !== null && width > 0 ? { center, width } : null,
  };
};
