// A JPEG with its metadata removed and its compressed pixels untouched. Application segments
// (EXIF, XMP, IPTC, maker notes, thumbnails) and comments can carry names, dates, device serial
// numbers and GPS positions; none of them changes the decoded pixels except the two kept here:
// JFIF APP0 and Adobe APP14 decide the colour transform (ISO/IEC 10918-1 leaves it to them),
// so they stay, reduced to the fields a decoder reads. An embedded ICC profile also changes the
// pixels (sharp converts through it) and is handled by the caller, which asks hasIccProfile first.
import { basename } from 'node:path';
import { VerdictError } from '../../../app/errors';

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const COM = 0xfe;
const APP0 = 0xe0;
const APP2 = 0xe2;
const APP14 = 0xee;

const isApp = (m: number) => m >= 0xe0 && m <= 0xef;
const isRst = (m: number) => m >= 0xd0 && m <= 0xd7;
/** SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

export type JpegSegment = { marker: number; start: number; end: number };

const malformed = (path: string, what: string) =>
  new VerdictError('isic.bad-image', `${basename(path)} is not a well-formed JPEG: ${what}.`, { path });

const startsWith = (b: Buffer, at: number, sig: string) => b.toString('latin1', at, at + sig.length) === sig;

/**
 * The file's segments in order, with each scan's entropy-coded data as one more 'segment'
 * (marker 0) after its SOS; stops at EOI, so anything appended after the image is left out.
 */
export function jpegSegments(b: Buffer, path: string): JpegSegment[] {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== SOI) throw malformed(path, 'it does not start with SOI (FF D8)');
  const out: JpegSegment[] = [];
  let i = 2;
  let sof = false;
  let sos = false;
  for (;;) {
    if (i + 1 >= b.length) throw malformed(path, 'it ends before its EOI marker');
    if (b[i] !== 0xff) throw malformed(path, `byte ${i} should start a marker`);
    while (b[i + 1] === 0xff && i + 2 < b.length) i++; // fill bytes before a marker (B.1.1.2)
    const marker = b[i + 1];
    if (marker === EOI) break;
    if (marker === SOI || marker === 0x00 || marker === 0xff)
      throw malformed(path, `an unexpected marker FF ${marker.toString(16)} at byte ${i}`);
    if (isRst(marker) || marker === 0x01) {
      out.push({ marker, start: i, end: i + 2 });
      i += 2;
      continue;
    }
    if (i + 4 > b.length) throw malformed(path, `the segment at byte ${i} is cut short`);
    const end = i + 2 + b.readUInt16BE(i + 2);
    if (end - i < 4 || end > b.length)
      throw malformed(path, `the segment FF ${marker.toString(16)} at byte ${i} runs past the end of the file`);
    out.push({ marker, start: i, end });
    if (isSof(marker)) sof = true;
    i = end;
    if (marker === SOS) {
      if (!sof) throw malformed(path, 'a scan comes before any frame header');
      sos = true;
      // Entropy-coded data runs to the next marker other than a stuffed zero or a restart.
      let j = i;
      while (j + 1 < b.length && !(b[j] === 0xff && b[j + 1] !== 0x00 && !isRst(b[j + 1]))) j++;
      if (j + 1 >= b.length) throw malformed(path, 'its scan data ends before EOI');
      out.push({ marker: 0, start: i, end: j });
      i = j;
    }
  }
  if (!sof || !sos) throw malformed(path, sof ? 'it has no scan' : 'it has no frame header (SOF)');
  return out;
}

/** Whether the JPEG embeds an ICC profile (APP2 "ICC_PROFILE"). */
export function hasIccProfile(b: Buffer, path: string): boolean {
  return jpegSegments(b, path).some((s) => s.marker === APP2 && startsWith(b, s.start + 4, 'ICC_PROFILE\0'));
}

/** JFIF APP0 with its version, units and density kept, and no thumbnail. */
const minimalJfif = (b: Buffer, s: JpegSegment): Buffer | null => {
  if (s.end - s.start < 16) return null;
  const out = Buffer.alloc(18);
  out.writeUInt16BE(0xffe0, 0);
  out.writeUInt16BE(16, 2);
  b.copy(out, 4, s.start + 4, s.start + 16); // "JFIF\0", version (2), units (1), X and Y density (2 + 2)
  // out[16], out[17]: thumbnail width and height 0
  return out;
};

/** Adobe APP14: "Adobe", version, flags0, flags1 and the colour transform (12 bytes), nothing after. */
const minimalAdobe = (b: Buffer, s: JpegSegment): Buffer | null => {
  if (s.end - s.start < 16) return null;
  const out = Buffer.alloc(16);
  out.writeUInt16BE(0xffee, 0);
  out.writeUInt16BE(14, 2);
  b.copy(out, 4, s.start + 4, s.start + 16);
  return out;
};

/** The JPEG without COM and APPn segments (but for one minimal JFIF and one Adobe segment) or anything after EOI. */
export function cleanJpeg(b: Buffer, path: string): Buffer {
  const parts: Buffer[] = [Buffer.from([0xff, SOI])];
  let jfif = false;
  let adobe = false;
  for (const s of jpegSegments(b, path)) {
    if (s.marker === COM) continue;
    if (isApp(s.marker)) {
      if (s.marker === APP0 && !jfif && startsWith(b, s.start + 4, 'JFIF\0')) {
        const kept = minimalJfif(b, s);
        if (kept) ((jfif = true), parts.push(kept));
      } else if (s.marker === APP14 && !adobe && startsWith(b, s.start + 4, 'Adobe')) {
        const kept = minimalAdobe(b, s);
        if (kept) ((adobe = true), parts.push(kept));
      }
      continue;
    }
    parts.push(b.subarray(s.start, s.end));
  }
  parts.push(Buffer.from([0xff, EOI]));
  return Buffer.concat(parts);
}
