// Whether a 3-component JPEG stream holds YCbCr (to be converted to RGB) or RGB as it is. libjpeg
// guesses from the stream alone and, lacking markers, assumes YCbCr for any component ids but
// 'R','G','B': an RGB stream with ids 0/1/2 (what some DICOM writers produce) then comes out
// magenta. The rules, in the order the evidence is trusted (libjpeg's jdapimin.c, DCMTK's
// "convert if the photometric interpretation is YCbCr", pydicom's JPEG handling):
//   1. a JFIF APP0 marker: YCbCr (JFIF requires it);
//   2. an Adobe APP14 marker: its transform flag (0 = none, i.e. RGB; otherwise YCbCr);
//   3. component ids 'R','G','B': RGB;
//   4. otherwise the data set's PhotometricInterpretation: RGB means RGB, YBR_* means YCbCr.
// libjpeg-turbo follows 1–3 itself; for 4 we tell it by adding an Adobe marker to the stream.

export type JpegColour = 'ycbcr' | 'rgb';

type Markers = { jfif: boolean; adobeTransform: number | null; componentIds: number[] | null };

const ascii = (b: Uint8Array, at: number, n: number): string => String.fromCharCode(...b.subarray(at, Math.min(at + n, b.length)));

/** The colour-relevant markers before the first scan. */
export const jpegMarkers = (b: Uint8Array): Markers => {
  const found: Markers = { jfif: false, adobeTransform: null, componentIds: null };
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return found;
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) break;
    const marker = b[i + 1];
    if (marker === 0xff) {
      i += 1;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      i += 2;
      continue;
    }
    const length = (b[i + 2] << 8) | b[i + 3];
    const data = i + 4;
    if (marker === 0xe0 && length >= 7 && ascii(b, data, 5) === 'JFIF\0') found.jfif = true;
    if (marker === 0xee && length >= 14 && ascii(b, data, 5) === 'Adobe' && data + 11 < b.length) found.adobeTransform = b[data + 11];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc && data + 6 <= b.length) {
      const n = b[data + 5];
      found.componentIds = Array.from({ length: n }, (_, k) => b[data + 6 + 3 * k]).filter((v) => v !== undefined);
    }
    i += 2 + length;
  }
  return found;
};

const isRgbIds = (ids: number[] | null): boolean =>
  ids !== null && ids.length === 3 && ids[0] === 0x52 && ids[1] === 0x47 && ids[2] === 0x42;

/** What the three components hold, by the rules above. */
export const jpegColour = (m: Markers, photometric: string): JpegColour => {
  if (m.jfif) return 'ycbcr';
  if (m.adobeTransform !== null) return m.adobeTransform === 0 ? 'rgb' : 'ycbcr';
  if (isRgbIds(m.componentIds)) return 'rgb';
  return photometric === 'RGB' ? 'rgb' : 'ycbcr';
};

/** An Adobe APP14 segment (Adobe TN 5116): "Adobe", version 100, flags 0, 0, then the transform flag. */
const adobeSegment = (transform: number): Uint8Array =>
  Uint8Array.from([0xff, 0xee, 0x00, 0x0e, 0x41, 0x64, 0x6f, 0x62, 0x65, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, transform]);

/**
 * The stream as libjpeg-turbo should see it so that it converts exactly when the rules say so:
 * unchanged when its markers already decide, else with an Adobe marker after SOI.
 */
export const withColourDecided = (b: Uint8Array, photometric: string): Uint8Array => {
  const m = jpegMarkers(b);
  if (m.componentIds?.length !== 3 || m.jfif || m.adobeTransform !== null || isRgbIds(m.componentIds)) return b;
  const transform = jpegColour(m, photometric) === 'rgb' ? 0 : 1;
  const out = new Uint8Array(b.length + 16);
  out.set(b.subarray(0, 2), 0);
  out.set(adobeSegment(transform), 2);
  out.set(b.subarray(2), 18);
  return out;
};

/** True when the stream ends with EOI (allowing a few bytes of padding after it): a stream without it was cut short. */
export const endsWithEoi = (b: Uint8Array): boolean => {
  for (let i = b.length - 2; i >= Math.max(0, b.length - 16); i--) if (b[i] === 0xff && b[i + 1] === 0xd9) return true;
  return false;
};
