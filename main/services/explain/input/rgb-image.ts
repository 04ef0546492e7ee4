// ISIC model input: the whole dermoscopic image, RGB (alpha dropped), resized to the model
// input (bilinear, see resample.ts), divided by 255 and normalised per channel.
import { normalise, type Normalisation } from './normalise';
import { resizeBilinear } from './resample';

export type RgbSpec = { height: number; width: number; normalise: Normalisation };

/** RGBA bytes → planar RGB floats 0…255, [3, height, width]. */
export function planarRgb(rgba: Uint8Array, width: number, height: number): Float32Array {
  const n = width * height;
  if (rgba.length !== n * 4) throw new RangeError(`planarRgb: ${rgba.length} bytes for ${width}×${height} RGBA`);
  const out = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    out[i] = rgba[i * 4];
    out[n + i] = rgba[i * 4 + 1];
    out[2 * n + i] = rgba[i * 4 + 2];
  }
  return out;
}

export function rgbImageInput(image: { width: number; height: number; rgba: Uint8Array }, spec: RgbSpec): Float32Array {
  const resized = resizeBilinear(planarRgb(image.rgba, image.width, image.height), 3, image.height, image.width, spec.height, spec.width);
  for (let i = 0; i < resized.length; i++) resized[i] /= 255;
  return normalise(resized, 3, spec.normalise);
}
