// LIDC model input: a square crop of the nodule's largest slice, centred on its centroid,
// in HU clipped to the manifest's window and scaled to 0…1, resized to the model input
// (bilinear, see resample.ts) when the crop has another size, then normalised.
// Outside the image the crop is padded with air, −1000 HU (the Hounsfield scale's definition
// of air); the window's lower edge (−1150 HU for the usual lung window) maps it close to 0,
// which is also what the scanner's own padding (−2048 / −3024) becomes after windowing.
import { normalise, type Normalisation } from './normalise';
import { resizeBilinear } from './resample';

export const AIR_HU = -1000;

export type HuSlice = { rows: number; columns: number; hu: Int16Array };
export type CtCropSpec = {
  cropPixels: number;
  window: { center: number; width: number };
  channels: number;
  height: number;
  width: number;
  normalise: Normalisation;
};

/** The crop's top-left pixel: pixels x…x+size−1 are taken, so the crop's centre lies within half a pixel of `centre`. */
export function cropOrigin(centre: { x: number; y: number }, size: number): { x: number; y: number } {
  return { x: Math.round(centre.x - (size - 1) / 2), y: Math.round(centre.y - (size - 1) / 2) };
}

/** Windowed crop (0…1), size×size, row-major; pixels outside the slice are air. */
export function windowedCrop(
  slice: HuSlice,
  origin: { x: number; y: number },
  size: number,
  window: { center: number; width: number },
): Float32Array {
  const lo = window.center - window.width / 2;
  const out = new Float32Array(size * size);
  for (let r = 0; r < size; r++) {
    const sy = origin.y + r;
    for (let c = 0; c < size; c++) {
      const sx = origin.x + c;
      const hu = sy >= 0 && sy < slice.rows && sx >= 0 && sx < slice.columns ? slice.hu[sy * slice.columns + sx] : AIR_HU;
      const v = (hu - lo) / window.width;
      out[r * size + c] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  return out;
}

/** The normalised model input [channels, height, width] and where the crop lies on the slice. */
export function ctCropInput(
  slice: HuSlice,
  centre: { x: number; y: number },
  spec: CtCropSpec,
): { image: Float32Array; origin: { x: number; y: number } } {
  const origin = cropOrigin(centre, spec.cropPixels);
  const crop = windowedCrop(slice, origin, spec.cropPixels, spec.window);
  const plane = resizeBilinear(crop, 1, spec.cropPixels, spec.cropPixels, spec.height, spec.width);
  const image = new Float32Array(spec.channels * plane.length);
  for (let c = 0; c < spec.channels; c++) image.set(plane, c * plane.length);
  return { image: normalise(image, spec.channels, spec.normalise), origin };
}
