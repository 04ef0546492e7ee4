// Paints a dermoscopic image and its attribute masks onto canvases. Masks are drawn opaque in
// their colours into one overlay canvas; the reader's opacity is applied to that canvas as a
// whole, so overlapping masks stay readable and the slider needs no repaint.
import type { MaskImage, RgbaImage } from '../../../app/domain';

/** Distinct on skin tones, after Okabe & Ito; masks beyond the list reuse it. */
const MASK_COLOURS: readonly [number, number, number][] = [
  [86, 180, 233],
  [240, 228, 66],
  [0, 158, 115],
  [204, 121, 167],
  [230, 159, 0],
  [0, 114, 178],
  [213, 94, 0],
];

export const maskColour = (i: number): [number, number, number] => MASK_COLOURS[i % MASK_COLOURS.length];
export const cssColour = ([r, g, b]: [number, number, number]) => `rgb(${r} ${g} ${b})`;

export function paintImage(canvas: HTMLCanvasElement, image: RgbaImage): void {
  canvas.width = image.width;
  canvas.height = image.height;
  const data = new ImageData(new Uint8ClampedArray(image.rgba), image.width, image.height);
  canvas.getContext('2d')!.putImageData(data, 0, 0);
}

export type ColouredMask = { mask: MaskImage; colour: [number, number, number] };

/** RGBA pixels of the overlay: each mask's pixels in its colour, later masks on top. */
export function overlayPixels(width: number, height: number, masks: readonly ColouredMask[]): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(width * height * 4);
  for (const { mask, colour } of masks) {
    if (mask.width !== width || mask.height !== height) continue;
    const bits = new Uint8Array(mask.mask);
    for (let i = 0; i < bits.length; i++) {
      if (!bits[i]) continue;
      const o = i * 4;
      out[o] = colour[0];
      out[o + 1] = colour[1];
      out[o + 2] = colour[2];
      out[o + 3] = 255;
    }
  }
  return out;
}

export function paintOverlay(canvas: HTMLCanvasElement, width: number, height: number, masks: readonly ColouredMask[]): void {
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d')!.putImageData(new ImageData(overlayPixels(width, height, masks), width, height), 0, 0);
}
