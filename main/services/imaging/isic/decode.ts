// Decodes dermoscopy images and ISIC masks with sharp, in the main process, so the renderer gets
// plain pixels it can put straight into an ImageData.
// No EXIF auto-rotation: ISIC masks are drawn on the pixel grid as stored, and rotating the
// photograph alone would misalign them.

import { access, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import sharp, { type OutputInfo } from 'sharp';
import { VerdictError } from '../../../../app/errors';
import type { BinaryMask, RgbaImage } from './types';

async function mustExist(path: string): Promise<void> {
  let size: number;
  try {
    await access(path);
    size = (await stat(path)).size;
  } catch {
    throw new VerdictError('file.not-found', `${path} does not exist or cannot be read`, { path });
  }
  // sharp's own words for a 0-byte file ("unsupported image format") hide the cause.
  if (size === 0) throw badImage(path, 'empty file (0 bytes)');
}

function badImage(path: string, what: string): VerdictError {
  return new VerdictError('isic.bad-image', `${basename(path)}: ${what}`, { path });
}

/** Decode a JPEG or PNG to 8-bit RGBA (alpha 255 where the file has none); grey and CMYK become sRGB. */
export async function decodeRgb(path: string): Promise<RgbaImage> {
  await mustExist(path);
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await sharp(path).toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw badImage(path, `cannot decode the image (${(e as Error).message})`);
  }
  const { data, info } = out;
  if (info.channels !== 4 || data.length !== info.width * info.height * 4) {
    throw badImage(path, `decoded to ${info.channels} channels in ${data.length} bytes, expected 8-bit RGBA`);
  }
  return { width: info.width, height: info.height, rgba: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** Width and height from the file header, without decoding the pixels. */
export async function readImageSize(path: string): Promise<{ width: number; height: number }> {
  await mustExist(path);
  try {
    const m = await sharp(path).metadata();
    if (!m.width || !m.height) throw new Error('no dimensions in the header');
    return { width: m.width, height: m.height };
  } catch (e) {
    throw badImage(path, `cannot read the image header (${(e as Error).message})`);
  }
}

/**
 * Decode an ISIC attribute mask or segmentation (8-bit PNG, 255 = present) to 0/1 per pixel:
 * metrics (pointing game, IoU) need a set, and thresholding at 128 also absorbs any resampling
 * blur. When `expected` (the image's size) is given, a mask of another size is an error.
 */
export async function decodeMask(path: string, expected?: { width: number; height: number }): Promise<BinaryMask> {
  await mustExist(path);
  let out: { data: Buffer; info: OutputInfo };
  try {
    // b-w first so a palette or RGB mask reads as one luminance channel.
    out = await sharp(path).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw badImage(path, `cannot decode the mask (${(e as Error).message})`);
  }
  const { data, info } = out;
  if (expected && (info.width !== expected.width || info.height !== expected.height)) {
    throw new VerdictError(
      'isic.bad-image',
      `${basename(path)}: mask is ${info.width}×${info.height} but its image is ${expected.width}×${expected.height}`,
      { path, maskWidth: info.width, maskHeight: info.height, imageWidth: expected.width, imageHeight: expected.height },
    );
  }
  const n = info.width * info.height;
  const stride = info.channels; // 1 unless the file kept an alpha channel
  if (data.length !== n * stride) throw badImage(path, 'mask did not decode to 8-bit samples');
  const mask = new Uint8Array(n);
  let area = 0;
  for (let i = 0; i < n; i++) {
    if (data[i * stride] >= 128) {
      mask[i] = 1;
      area++;
    }
  }
  return { width: info.width, height: info.height, mask, area };
}
