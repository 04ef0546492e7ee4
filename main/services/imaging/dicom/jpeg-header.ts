// Reads the JPEG frame header (SOFn, ITU T.81 B.2.2) of a codestream without decoding it. The
// transfer syntax names a JPEG process, but only the SOF says the sample precision actually
// used, and that decides whether the 8-bit codec can take the stream.

export type JpegProcess = 'baseline' | 'extended' | 'progressive' | 'lossless' | 'hierarchical' | 'arithmetic' | 'jpeg-ls';

export type JpegFrameHeader = {
  marker: number;
  process: JpegProcess;
  precision: number;
  rows: number;
  columns: number;
  components: number;
};

const processOf = (marker: number): JpegProcess | null => {
  switch (marker) {
    case 0xc0:
      return 'baseline';
    case 0xc1:
      return 'extended';
    case 0xc2:
      return 'progressive';
    case 0xc3:
      return 'lossless';
    case 0xc5:
    case 0xc6:
    case 0xc7:
      return 'hierarchical';
    case 0xc9:
    case 0xca:
    case 0xcb:
    case 0xcd:
    case 0xce:
    case 0xcf:
      return 'arithmetic';
    case 0xf7:
      return 'jpeg-ls';
    default:
      return null;
  }
};

/** The first SOF of the stream, or null when the bytes do not start a JPEG stream or hold no SOF. */
export const jpegFrameHeader = (b: Uint8Array): JpegFrameHeader | null => {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1];
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      i += 2; // markers without a length
      continue;
    }
    const length = (b[i + 2] << 8) | b[i + 3];
    const process = processOf(marker);
    if (process) {
      if (i + 10 > b.length) return null;
      return {
        marker,
        process,
        precision: b[i + 4],
        rows: (b[i + 5] << 8) | b[i + 6],
        columns: (b[i + 7] << 8) | b[i + 8],
        components: b[i + 9],
      };
    }
    if (marker === 0xda || marker === 0xd9) return null; // scan or end before any frame header
    i += 2 + length;
  }
  return null;
};

/** Size of a JPEG 2000 codestream from its SIZ marker (ITU T.800 A.5.1), or null when the bytes are not a bare codestream. */
export const j2kImageSize = (b: Uint8Array): { rows: number; columns: number; components: number } | null => {
  // SOC (FF4F) then SIZ (FF51): Lsiz Rsiz Xsiz Ysiz XOsiz YOsiz XTsiz YTsiz XTOsiz YTOsiz Csiz.
  if (b.length < 42 || b[0] !== 0xff || b[1] !== 0x4f || b[2] !== 0xff || b[3] !== 0x51) return null;
  const v = new DataView(b.buffer, b.byteOffset, 42);
  const columns = v.getUint32(8) - v.getUint32(16);
  const rows = v.getUint32(12) - v.getUint32(20);
  return { rows, columns, components: v.getUint16(40) };
};

/** A JP2 file (signature box) rather than a bare codestream: some writers wrap the frame in one. */
export const isJp2File = (b: Uint8Array): boolean =>
  b.length >= 12 && b[3] === 0x0c && b[4] === 0x6a && b[5] === 0x50 && b[6] === 0x20 && b[7] === 0x20;
