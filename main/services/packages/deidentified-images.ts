// The images of a study package: pixels and the geometry the viewer needs, nothing else. What
// leaves is built from what the viewer reads rather than cut down from the original, so patient
// names and IDs, dates, original UIDs, device, institution and file names have no way out:
// - CT slices and dermoscopic DICOM are decoded with Verdict's own DICOM code and written anew as
//   a minimal uncompressed DICOM file under fresh UIDs, with the geometry the study database holds;
// - dermoscopic JPEGs keep their compressed data byte for byte (lossless, small) without
//   metadata segments; PNGs keep their image and colour chunks only. A JPEG or PNG with an
//   embedded ICC profile (whose text may name a device) is written instead as a PNG of the
//   exact sRGB pixels the viewer shows, with no profile.
// ImagingService reads the result back to the same stored values, HU and RGBA as the original.
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { basename } from 'node:path';
import sharp from 'sharp';
import { VerdictError } from '../../../app/errors';
import { loadSlice, type DecodedFrame, type DicomInstance } from '../imaging/dicom';
import { decodeRgb } from '../imaging/isic';
import { cleanJpeg, hasIccProfile } from './clean-jpeg';
import { cleanPng, hasIccChunk } from './clean-png';
import { EXPLICIT_VR_LITTLE_ENDIAN, isDicomUid, writeDicomFile, type DicomElement } from './minimal-dicom';

/** The columns of an `image` row (migrations/0001_initial.sql) that de-identification reads. */
export type ImageRow = {
  id: number;
  kind: 'ct-slice' | 'dicom-image' | 'dermoscopy';
  path: string;
  sha256: string;
  frame: number;
  rows: number;
  columns: number;
  instance_number: number | null;
  position_json: string | null;
  rescale_slope: number | null;
  rescale_intercept: number | null;
};

/** The geometry columns of a `series` row. */
export type SeriesRow = {
  modality: string;
  pixel_spacing_row: number | null;
  pixel_spacing_col: number | null;
  slice_thickness: number | null;
  orientation_json: string | null;
  window_center: number | null;
  window_width: number | null;
};

/**
 * The bytes to ship, the file extension to give them, and what the package's `image` row
 * records: transfer_syntax and sop_uid (both null for JPEG and PNG), the SHA-256 of `data`, frame 0.
 */
export type DeidentifiedImage = { ext: string; data: Buffer; transferSyntax: string | null; sopUid: string | null };

const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const SECONDARY_CAPTURE_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.7';

/** A new UID derived from a random UUID (ITU-T X.667 / PS3.5 §B.2): "2.25." and at most 39 digits. */
export function freshUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;
}

/** The image's pixels and geometry only, under fresh UIDs, read from the stored file (its SHA-256 is checked). */
export async function deidentifiedImage(
  row: ImageRow,
  series: SeriesRow | null,
  uids: { series: string; study: string },
): Promise<DeidentifiedImage> {
  const bytes = await verifiedBytes(row);
  if (row.kind === 'dermoscopy') return deidentifiedPhoto(row.path, bytes);
  for (const [what, uid] of Object.entries(uids))
    if (!isDicomUid(uid)) throw new VerdictError('dicom.bad-value', `The new ${what} UID "${uid}" is not a DICOM UID.`, { uid });
  return deidentifiedDicom(row, series, uids, bytes);
}

async function verifiedBytes(row: ImageRow): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(row.path);
  } catch {
    throw new VerdictError('file.not-found', `${basename(row.path)} is no longer at ${row.path}; restore it to package this study.`, {
      path: row.path,
    });
  }
  if (createHash('sha256').update(bytes).digest('hex') !== row.sha256)
    throw new VerdictError(
      'file.changed',
      `${basename(row.path)} has changed since it was imported; Verdict will not package different pixels.`,
      {
        path: row.path,
      },
    );
  return bytes;
}

const isJpeg = (b: Buffer) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
const isPng = (b: Buffer) => b.length > 8 && b.readUInt32BE(0) === 0x89504e47;

async function deidentifiedPhoto(path: string, bytes: Buffer): Promise<DeidentifiedImage> {
  const photo = { transferSyntax: null, sopUid: null };
  if (isJpeg(bytes)) {
    if (!hasIccProfile(bytes, path)) return { ext: 'jpg', data: cleanJpeg(bytes, path), ...photo };
  } else if (isPng(bytes)) {
    if (!hasIccChunk(bytes, path)) return { ext: 'png', data: cleanPng(bytes, path), ...photo };
  } else {
    throw new VerdictError('isic.bad-image', `${basename(path)} is neither a JPEG nor a PNG.`, { path });
  }
  return { ext: 'png', data: await pngOfShownPixels(path), ...photo };
}

/** The RGBA the viewer shows for the file, as a PNG without a profile (RGB where every pixel is opaque). */
async function pngOfShownPixels(path: string): Promise<Buffer> {
  const { width, height, rgba } = await decodeRgb(path);
  let opaque = true;
  for (let i = 3; i < rgba.length && opaque; i += 4) opaque = rgba[i] === 255;
  const channels = opaque ? 3 : 4;
  const pixels = opaque ? Buffer.alloc(width * height * 3) : Buffer.from(rgba);
  if (opaque) for (let p = 0, q = 0; p < rgba.length; p += 4, q += 3) pixels.set(rgba.subarray(p, p + 3), q);
  return sharp(pixels, { raw: { width, height, channels } }).png({ compressionLevel: 9 }).toBuffer();
}

async function deidentifiedDicom(
  row: ImageRow,
  series: SeriesRow | null,
  uids: { series: string; study: string },
  bytes: Buffer,
): Promise<DeidentifiedImage> {
  const { instance, frame } = await loadSlice({ path: row.path, frame: row.frame }, { bytes: new Map([[row.path, bytes]]) });
  if (frame.rows !== row.rows || frame.columns !== row.columns)
    throw new VerdictError(
      'dicom.bad-value',
      `${basename(row.path)} frame ${row.frame} is ${frame.rows}×${frame.columns} but the study recorded ${row.rows}×${row.columns}.`,
      { path: row.path },
    );
  const sopUid = freshUid();
  const modality = [series?.modality, instance.modality, 'OT'].find((m): m is string => !!m && /^[A-Z0-9_ ]{1,16}$/.test(m))!;
  const elements: DicomElement[] = [
    { tag: 0x00080016, vr: 'UI', value: row.kind === 'ct-slice' ? CT_IMAGE_STORAGE : SECONDARY_CAPTURE_IMAGE_STORAGE },
    { tag: 0x00080018, vr: 'UI', value: sopUid },
    { tag: 0x00080060, vr: 'CS', value: modality },
    { tag: 0x0020000d, vr: 'UI', value: uids.study },
    { tag: 0x0020000e, vr: 'UI', value: uids.series },
    { tag: 0x00280010, vr: 'US', value: frame.rows },
    { tag: 0x00280011, vr: 'US', value: frame.columns },
    ...pixelModule(frame, instance, row),
    ...geometry(row, series),
  ];
  return { ext: 'dcm', data: writeDicomFile(elements), transferSyntax: EXPLICIT_VR_LITTLE_ENDIAN, sopUid };
}

/** Image Pixel module (+ rescale) for the decoded frame: stored values as 16-bit words, colour as 8-bit RGB. */
function pixelModule(frame: DecodedFrame, instance: DicomInstance, row: ImageRow): DicomElement[] {
  if (frame.kind === 'rgb') {
    return [
      { tag: 0x00280002, vr: 'US', value: 3 },
      { tag: 0x00280004, vr: 'CS', value: 'RGB' },
      { tag: 0x00280006, vr: 'US', value: 0 },
      ...bits(8, 8, 0),
      { tag: 0x7fe00010, vr: 'OB', value: frame.pixels },
    ];
  }
  // The decoder keeps BitsStored low bits (sign-extended when signed): the same BitsStored reads them back unchanged.
  const stored = Math.min(instance.bitsStored, 16);
  const perFrame = instance.frames?.[row.frame];
  return [
    { tag: 0x00280002, vr: 'US', value: 1 },
    { tag: 0x00280004, vr: 'CS', value: frame.photometric },
    ...bits(16, stored, frame.pixels instanceof Int16Array ? 1 : 0),
    { tag: 0x00281052, vr: 'DS', value: row.rescale_intercept ?? perFrame?.rescaleIntercept ?? instance.rescaleIntercept },
    { tag: 0x00281053, vr: 'DS', value: row.rescale_slope ?? perFrame?.rescaleSlope ?? instance.rescaleSlope },
    { tag: 0x7fe00010, vr: 'OW', value: littleEndianBytes(frame.pixels) },
  ];
}

const bits = (allocated: number, stored: number, representation: 0 | 1): DicomElement[] => [
  { tag: 0x00280100, vr: 'US', value: allocated },
  { tag: 0x00280101, vr: 'US', value: stored },
  { tag: 0x00280102, vr: 'US', value: stored - 1 },
  { tag: 0x00280103, vr: 'US', value: representation },
];

function littleEndianBytes(px: Int16Array | Uint16Array): Uint8Array {
  const bytes = new Uint8Array(px.buffer, px.byteOffset, px.byteLength);
  if (endianness() === 'LE') return bytes;
  const out = Uint8Array.from(bytes);
  for (let i = 0; i < out.length; i += 2) [out[i], out[i + 1]] = [out[i + 1], out[i]];
  return out;
}

/** `n` finite numbers parsed from a JSON column, or null. */
function numbers(json: string | null, n: number): number[] | null {
  if (!json) return null;
  const v: unknown = JSON.parse(json);
  return Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? v : null;
}

/** Where the slice lies and how it is shown, from the study database (the values the viewer already uses). */
function geometry(row: ImageRow, series: SeriesRow | null): DicomElement[] {
  const out: DicomElement[] = [];
  const add = (tag: number, vr: 'DS' | 'IS', value: number | number[] | null | undefined) => {
    if (value !== null && value !== undefined) out.push({ tag, vr, value });
  };
  const spacing = series?.pixel_spacing_row != null && series.pixel_spacing_col != null;
  add(0x00180050, 'DS', series?.slice_thickness);
  add(0x00200013, 'IS', row.instance_number);
  add(0x00200032, 'DS', numbers(row.position_json, 3));
  add(0x00200037, 'DS', series ? numbers(series.orientation_json, 6) : null);
  add(0x00280030, 'DS', spacing ? [series.pixel_spacing_row!, series.pixel_spacing_col!] : null);
  if (series?.window_center != null && series.window_width != null) {
    add(0x00281050, 'DS', series.window_center);
    add(0x00281051, 'DS', series.window_width);
  }
  return out;
}
