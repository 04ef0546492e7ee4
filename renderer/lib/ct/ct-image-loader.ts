// The Cornerstone image loader for `verdict:ct/<seriesId>/<index>`. Main decodes DICOM and sends
// each slice as Int16 HU; this loader only wraps those pixels as a Cornerstone image (slope 1,
// intercept 0). Where the pixels come from is injected (`setCtSliceSource`) so that only the
// renderer's state classes talk to the API.
import { Enums, utilities, type Types } from '@cornerstonejs/core';
import type { CtSlice } from '../../../app/domain';
import { parseCtImageId, type CtImageRef } from './ct-image-id';
import { seriesInfo } from './ct-metadata';
import { OPENING_WINDOW } from './window-presets';

export type CtSliceSource = (ref: CtImageRef) => Promise<CtSlice>;

let source: CtSliceSource | null = null;

export function setCtSliceSource(s: CtSliceSource | null): void {
  source = s;
}

export function loadCtImage(imageId: string): Types.IImageLoadObject {
  const promise = (async () => {
    const ref = parseCtImageId(imageId);
    if (!ref) throw new Error(`Not a Verdict CT image id: ${imageId}`);
    if (!source) throw new Error('No CT slice source is set.');
    const started = performance.now();
    const slice = await source(ref);
    return ctSliceToImage(imageId, slice, performance.now() - started);
  })();
  return { promise };
}

export function minMax(pixels: Int16Array): [number, number] {
  let min = 32767;
  let max = -32768;
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return pixels.length ? [min, max] : [0, 0];
}

export function ctSliceToImage(imageId: string, slice: CtSlice, loadTimeInMS = 0): Types.IImage {
  const { rows, columns } = slice;
  const pixels = new Int16Array(slice.hu);
  if (pixels.length !== rows * columns) {
    throw new Error(`Slice ${slice.index} has ${pixels.length} values for ${rows}×${columns} pixels.`);
  }
  const info = seriesInfo(slice.seriesId);
  const [rowSpacing, colSpacing] = info?.pixelSpacing ?? [1, 1];
  const window = OPENING_WINDOW;
  const [min, max] = minMax(pixels);
  const voxelManager = utilities.VoxelManager.createImageVoxelManager({
    width: columns,
    height: rows,
    numberOfComponents: 1,
    scalarData: pixels,
    id: imageId,
  }) as Types.IVoxelManager<number>;
  const image: Omit<Types.IImage, 'getCanvas'> = {
    imageId,
    minPixelValue: min,
    maxPixelValue: max,
    slope: 1,
    intercept: 0,
    windowCenter: window.center,
    windowWidth: window.width,
    voiLUTFunction: Enums.VOILUTFunctionType.LINEAR,
    getPixelData: () => voxelManager.getScalarData() as Int16Array,
    rows,
    columns,
    height: rows,
    width: columns,
    color: false,
    rgba: false,
    numberOfComponents: 1,
    columnPixelSpacing: colSpacing,
    rowPixelSpacing: rowSpacing,
    sliceThickness: info?.sliceThickness ?? undefined,
    invert: false,
    photometricInterpretation: 'MONOCHROME2',
    sizeInBytes: pixels.byteLength,
    dataType: 'Int16Array',
    voxelManager,
    loadTimeInMS,
  };
  // getCanvas is only used for colour images drawn by the CPU fallback; a CT slice has none.
  return image as Types.IImage;
}
