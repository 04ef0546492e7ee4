// A PNG with only the chunks that make its pixels: text (tEXt, zTXt, iTXt), time, EXIF and any
// other ancillary chunk can name people, places and devices and is dropped; the image data and
// the colour chunks a decoder may use are kept byte for byte. An embedded ICC profile (iCCP)
// changes the pixels sharp returns and is handled by the caller, which asks hasIccChunk first.
import { basename } from 'node:path';
import { VerdictError } from '../../../app/errors';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Critical chunks, transparency and the colour chunks (PNG 3rd edition §11.3.2: gAMA, cHRM, sRGB,
 * cICP). iCCP is not among them: a file with a profile never reaches cleanPng (see above).
 */
const KEPT = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'gAMA', 'cHRM', 'sRGB', 'cICP']);

export type PngChunk = { type: string; start: number; end: number };

const malformed = (path: string, what: string) =>
  new VerdictError('isic.bad-image', `${basename(path)} is not a well-formed PNG: ${what}.`, { path });

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 as PNG defines it (ISO 3309), over a chunk's type and data. */
export function pngCrc(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of bytes) c = CRC_TABLE[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The file's chunks up to and including IEND, each CRC checked. */
export function pngChunks(b: Buffer, path: string): PngChunk[] {
  if (b.length < 8 || !b.subarray(0, 8).equals(SIGNATURE)) throw malformed(path, 'it does not start with the PNG signature');
  const out: PngChunk[] = [];
  let i = 8;
  for (;;) {
    if (i + 12 > b.length) throw malformed(path, 'it ends before its IEND chunk');
    const length = b.readUInt32BE(i);
    const type = b.toString('latin1', i + 4, i + 8);
    const end = i + 12 + length;
    if (!/^[A-Za-z]{4}$/.test(type)) throw malformed(path, `byte ${i} does not start a chunk`);
    if (end > b.length) throw malformed(path, `the ${type} chunk at byte ${i} runs past the end of the file`);
    if (pngCrc(b.subarray(i + 4, end - 4)) !== b.readUInt32BE(end - 4))
      throw malformed(path, `the ${type} chunk at byte ${i} fails its CRC`);
    if (out.length === 0 && type !== 'IHDR') throw malformed(path, 'its first chunk is not IHDR');
    out.push({ type, start: i, end });
    i = end;
    if (type === 'IEND') break;
  }
  if (!out.some((c) => c.type === 'IDAT')) throw malformed(path, 'it has no image data (IDAT)');
  return out;
}

export const hasIccChunk = (b: Buffer, path: string): boolean => pngChunks(b, path).some((c) => c.type === 'iCCP');

/** The PNG with only the chunks in KEPT, and nothing after IEND. */
export function cleanPng(b: Buffer, path: string): Buffer {
  const kept = pngChunks(b, path).filter((c) => KEPT.has(c.type));
  return Buffer.concat([SIGNATURE, ...kept.map((c) => b.subarray(c.start, c.end))]);
}
