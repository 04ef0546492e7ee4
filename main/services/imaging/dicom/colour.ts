// Colour frames → interleaved 8-bit RGB. Formulas from PS3.3 C.7.6.3.1.2 (YBR_FULL, full-range
// ITU-R BT.601) and C.7.6.3.1.5/6 (palette colour lookup tables).
import type { DataSet } from './dicom-parser-lib';
import { TAG } from './tags';

const clamp255 = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** Planar RRR…GGG…BBB → interleaved RGBRGB…; `pixels` is rows × columns, samples of 1 or 2 bytes. */
export const interleavePlanar = (planar: Uint8Array, pixels: number, bytesPerSample: 1 | 2 = 1): Uint8Array => {
  const out = new Uint8Array(pixels * 3 * bytesPerSample);
  if (bytesPerSample === 1) {
    for (let i = 0; i < pixels; i++) {
      out[3 * i] = planar[i];
      out[3 * i + 1] = planar[pixels + i];
      out[3 * i + 2] = planar[2 * pixels + i];
    }
    return out;
  }
  for (let i = 0; i < pixels; i++) {
    for (let c = 0; c < 3; c++) {
      out[6 * i + 2 * c] = planar[2 * (c * pixels + i)];
      out[6 * i + 2 * c + 1] = planar[2 * (c * pixels + i) + 1];
    }
  }
  return out;
};

/**
 * 16-bit samples → 8 bits for display: the BitsStored significant bits (8…16), top 8 kept. Colour
 * images are shown, not measured, so the precision lost is that of the screen anyway.
 */
export const colour16To8 = (bytes: Uint8Array, bitsStored: number, bigEndian: boolean): Uint8Array => {
  const bits = Math.min(16, Math.max(8, bitsStored));
  const mask = bits === 16 ? 0xffff : (1 << bits) - 1;
  const shift = bits - 8;
  const n = bytes.length >> 1;
  const out = new Uint8Array(n);
  const [hi, lo] = bigEndian ? [0, 1] : [1, 0];
  for (let i = 0; i < n; i++) out[i] = (((bytes[2 * i + hi] << 8) | bytes[2 * i + lo]) & mask) >> shift;
  return out;
};

/** Interleaved Y Cb Cr (full range) → RGB, in place. */
export const ybrFullToRgbInPlace = (px: Uint8Array): Uint8Array => {
  for (let i = 0; i + 2 < px.length; i += 3) {
    const y = px[i];
    const cb = px[i + 1] - 128;
    const cr = px[i + 2] - 128;
    px[i] = clamp255(y + 1.402 * cr);
    px[i + 1] = clamp255(y - 0.344136 * cb - 0.714136 * cr);
    px[i + 2] = clamp255(y + 1.772 * cb);
  }
  return px;
};

/**
 * Native YBR_FULL_422: each pair of pixels in a row is stored as Y1 Y2 Cb Cr (PS3.5 8.2.1 /
 * PS3.3 C.7.6.3.1.2), chroma shared by the pair. Returns interleaved RGB.
 */
export const ybr422ToRgb = (src: Uint8Array, rows: number, columns: number): Uint8Array => {
  const out = new Uint8Array(rows * columns * 3);
  let s = 0;
  let o = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c += 2) {
      const y1 = src[s];
      const y2 = src[s + 1];
      const cb = src[s + 2] - 128;
      const cr = src[s + 3] - 128;
      s += 4;
      const dr = 1.402 * cr;
      const dg = -0.344136 * cb - 0.714136 * cr;
      const db = 1.772 * cb;
      out[o++] = clamp255(y1 + dr);
      out[o++] = clamp255(y1 + dg);
      out[o++] = clamp255(y1 + db);
      if (c + 1 < columns) {
        out[o++] = clamp255(y2 + dr);
        out[o++] = clamp255(y2 + dg);
        out[o++] = clamp255(y2 + db);
      }
    }
  }
  return out;
};

type Lut = { first: number; data: Uint16Array; shift: number };

const readLut = (ds: DataSet, descriptorTag: string, dataTag: string): Lut => {
  const desc = ds.elements[descriptorTag];
  const data = ds.elements[dataTag];
  if (!desc || !data) throw new RangeError('PALETTE COLOR image without its palette lookup tables');
  const entries = ds.uint16(descriptorTag, 0) || 65536; // 0 means 2^16 entries
  const firstRaw = ds.uint16(descriptorTag, 1) ?? 0;
  const nominalBits = ds.uint16(descriptorTag, 2) ?? 16;
  // An SS descriptor can map negative stored values; US cannot, so read it signed only then.
  const first = desc.vr === 'SS' && firstRaw > 32767 ? firstRaw - 65536 : firstRaw;
  const bytes = ds.byteArray.subarray(data.dataOffset, data.dataOffset + data.length);
  const lut = new Uint16Array(entries);
  if (bytes.length === entries)
    lut.set(bytes); // 8-bit entries packed one per byte
  else for (let i = 0; i < entries; i++) lut[i] = ds.uint16(dataTag, i) ?? 0;
  return { first, data: lut, shift: nominalBits > 8 ? nominalBits - 8 : 0 };
};

/** Stored palette indexes → interleaved RGB through the Red/Green/Blue palette LUTs. */
export const paletteToRgb = (ds: DataSet, indexes: Uint16Array | Int16Array): Uint8Array => {
  const luts = [
    readLut(ds, TAG.RedPaletteDescriptor, TAG.RedPaletteData),
    readLut(ds, TAG.GreenPaletteDescriptor, TAG.GreenPaletteData),
    readLut(ds, TAG.BluePaletteDescriptor, TAG.BluePaletteData),
  ];
  const out = new Uint8Array(indexes.length * 3);
  for (let c = 0; c < 3; c++) {
    const { first, data, shift } = luts[c];
    const last = data.length - 1;
    for (let i = 0; i < indexes.length; i++) {
      let k = indexes[i] - first;
      k = k < 0 ? 0 : k > last ? last : k;
      out[3 * i + c] = data[k] >> shift;
    }
  }
  return out;
};
