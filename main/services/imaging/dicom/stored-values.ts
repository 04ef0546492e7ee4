// Native (uncompressed or decompressed) bytes → stored values. Typed-array views over an
// aligned copy replace per-pixel DataView reads; big endian is swapped once, in place.
import type { MonoPixels } from './types';

export type StoredLayout = { bitsAllocated: number; bitsStored: number; pixelRepresentation: 0 | 1 };

/** Swap each 16-bit word in place. */
export const swap16InPlace = (b: Uint8Array): void => {
  for (let i = 0; i + 1 < b.length; i += 2) {
    const t = b[i];
    b[i] = b[i + 1];
    b[i + 1] = t;
  }
};

/**
 * Keep only the BitsStored low bits: masked for unsigned data, sign-extended for signed. Old
 * files put overlays in the unused high bits, and some codecs return signed 12-bit samples as
 * raw 12-bit patterns; both come out right this way. Values already in range are unchanged.
 */
export const normaliseStored = (px: MonoPixels, bitsStored: number): void => {
  if (bitsStored >= 16) return;
  if (px instanceof Int16Array) {
    const shift = 32 - bitsStored;
    for (let i = 0; i < px.length; i++) px[i] = (px[i] << shift) >> shift;
  } else {
    const mask = (1 << bitsStored) - 1;
    for (let i = 0; i < px.length; i++) px[i] &= mask;
  }
};

/** Monochrome stored values from native little- or big-endian bytes (the bytes are not modified). */
export const monoFromBytes = (bytes: Uint8Array, pixels: number, layout: StoredLayout, bigEndian: boolean): MonoPixels => {
  const signed = layout.pixelRepresentation === 1;
  let out: MonoPixels;
  if (layout.bitsAllocated === 16) {
    const copy = new Uint8Array(pixels * 2);
    copy.set(bytes.subarray(0, pixels * 2));
    if (bigEndian) swap16InPlace(copy);
    out = signed ? new Int16Array(copy.buffer) : new Uint16Array(copy.buffer);
  } else if (layout.bitsAllocated === 8) {
    // 8-bit values widen to 16 bits so that every monochrome frame has one of two types.
    out = signed ? new Int16Array(pixels) : new Uint16Array(pixels);
    if (signed) out.set(new Int8Array(bytes.buffer, bytes.byteOffset, pixels));
    else out.set(bytes.subarray(0, pixels));
  } else {
    throw new RangeError(`${layout.bitsAllocated}-bit monochrome pixels are not supported (8 or 16 only)`);
  }
  normaliseStored(out, layout.bitsStored);
  return out;
};

/** Reinterpret 16-bit little-endian codec output with the signedness the header declares. */
export const monoFromCodec16 = (bytes: Uint8Array, layout: StoredLayout): MonoPixels => {
  const aligned = bytes.byteOffset % 2 === 0 ? bytes : bytes.slice();
  const n = aligned.length >> 1;
  const out =
    layout.pixelRepresentation === 1
      ? new Int16Array(aligned.buffer, aligned.byteOffset, n)
      : new Uint16Array(aligned.buffer, aligned.byteOffset, n);
  normaliseStored(out, layout.bitsStored);
  return out;
};
