// Bytes → parsed data set, or a VerdictError that says why the file is not one we can read.
// dicom-parser throws strings and {exception, dataSet} objects; this is the one place that turns
// those into our error codes, so nothing else needs to know its habits.
import { basename } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { VerdictError } from '../../../../app/errors';
import { dicomParser, type DataSet } from './dicom-parser-lib';
import { readShortFragments } from './short-fragments';
import { TAG } from './tags';
import { EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN, transferSyntax, type TransferSyntax } from './transfer-syntax';

export type OpenedDicom = {
  dataSet: DataSet;
  transferSyntaxUid: string;
  /** null for a UID missing from the registry (it is then refused when pixels are needed). */
  syntax: TransferSyntax | null;
  /** Part 10 file (preamble + DICM) or a bare little-endian data set (old ACR-NEMA style export). */
  part10: boolean;
};

export type OpenOptions = {
  /** Stop at the Pixel Data element: its offset and length are known, fragments are not parsed. */
  untilPixelData?: boolean;
};

const hasDicmPrefix = (b: Uint8Array): boolean =>
  b.length >= 132 && b[128] === 0x44 && b[129] === 0x49 && b[130] === 0x43 && b[131] === 0x4d;

const VRS = new Set('AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(' '));

/**
 * A data set written without the Part 10 preamble and meta header (old ACR-NEMA style exports)
 * starts with a group 0008 element, little endian. Its VR encoding is told by peeking, as pydicom
 * and DCMTK do: two upper-case letters naming a VR after the tag mean explicit VR, else implicit.
 */
const bareDataSetSyntax = (b: Uint8Array): string | null => {
  if (b.length < 16 || b[0] !== 0x08 || b[1] !== 0x00 || b[3] !== 0x00) return null;
  if (VRS.has(String.fromCharCode(b[4], b[5]))) return EXPLICIT_VR_LITTLE_ENDIAN;
  return b[6] === 0x00 && b[7] === 0x00 ? IMPLICIT_VR_LITTLE_ENDIAN : null;
};

const asciiStart = (b: Uint8Array, n: number): string => String.fromCharCode(...b.subarray(0, Math.min(n, b.length)));

/** A short guess at what a non-DICOM file is, so the refusal is useful to a person. */
export const describeNonDicom = (b: Uint8Array): string => {
  const head = asciiStart(b, 64);
  if (b.length === 0) return 'the file is empty';
  if (/^(--|Content-Type:|MIME-Version:)/i.test(head))
    return 'it is a MIME multipart body (a DICOMweb/WADO-RS response), not a DICOM Part 10 file';
  if (b[0] === 0xff && b[1] === 0xd8) return 'it is a JPEG image, not DICOM';
  if (b[0] === 0x89 && head.startsWith('\x89PNG')) return 'it is a PNG image, not DICOM';
  if (head.startsWith('%PDF')) return 'it is a PDF document, not DICOM';
  if (head.startsWith('PK\x03\x04')) return 'it is a ZIP archive (unpack it first), not DICOM';
  if (/^\s*</.test(head)) return 'it is XML/HTML text, not DICOM';
  if (/^\s*[[{]/.test(head)) return 'it is JSON text, not DICOM';
  if (b.length < 132) return `it is only ${b.length} bytes long, too short for a DICOM Part 10 file`;
  return "it has no 'DICM' marker at byte 128, so it is not a DICOM Part 10 file";
};

const parserMessage = (e: unknown): string => {
  const inner = typeof e === 'object' && e !== null && 'exception' in e ? (e as { exception: unknown }).exception : e;
  const text = inner instanceof Error ? inner.message : String(inner);
  return text.replace(/^dicomParser\.\w+:\s*/, '');
};

const inflater = (bytes: Uint8Array, position: number): Uint8Array => {
  const inflated = inflateRawSync(bytes.subarray(position));
  const whole = Buffer.allocUnsafe(position + inflated.length);
  whole.set(bytes.subarray(0, position), 0);
  whole.set(inflated, position);
  return whole;
};

/** Parse the bytes of one file. `path` is used for messages only. */
export const openDicom = (bytes: Uint8Array, path: string, options: OpenOptions = {}): OpenedDicom => {
  const name = basename(path);
  const part10 = hasDicmPrefix(bytes);
  const bareSyntax = part10 ? null : bareDataSetSyntax(bytes);
  if (!part10 && !bareSyntax) {
    throw new VerdictError('dicom.not-dicom', `${name} is not DICOM: ${describeNonDicom(bytes)}.`, { path });
  }
  const parse = (untilPixelData: boolean): DataSet =>
    dicomParser.parseDicom(bytes, {
      ...(bareSyntax ? { TransferSyntaxUID: bareSyntax } : {}),
      ...(untilPixelData ? { untilTag: TAG.PixelData } : {}),
      inflater,
    });
  let dataSet: DataSet;
  try {
    dataSet = parse(options.untilPixelData ?? false);
  } catch (e) {
    const salvaged = options.untilPixelData ? null : withShortLastFragment(() => parse(true));
    if (salvaged) return finishOpen(salvaged, path, part10, bareSyntax);
    throw new VerdictError(
      'dicom.not-dicom',
      `${name} looks like DICOM but could not be parsed (truncated or damaged?): ${parserMessage(e)}.`,
      { path },
    );
  }
  return finishOpen(dataSet, path, part10, bareSyntax);
};

/** The data set up to its pixel data, with the fragments read by hand when only the last one is cut short. */
const withShortLastFragment = (parseHead: () => DataSet): DataSet | null => {
  let head: DataSet;
  try {
    head = parseHead();
  } catch {
    return null;
  }
  const el = head.elements[TAG.PixelData];
  if (!el || el.length !== 0xffffffff) return null;
  return readShortFragments(head, el) ? head : null;
};

const finishOpen = (dataSet: DataSet, path: string, part10: boolean, bareSyntax: string | null): OpenedDicom => {
  const name = basename(path);
  // A bare data set carries no meta header: dicom-parser stores the UID we gave it as a Value.
  const uid = bareSyntax ?? (dataSet.string(TAG.TransferSyntaxUID) ?? '').replace(/\0/g, '').trim();
  if (part10 && uid === '') {
    throw new VerdictError('dicom.missing-tag', `${name} has no TransferSyntaxUID (0002,0010) in its meta header.`, {
      path,
      tag: 'TransferSyntaxUID (0002,0010)',
    });
  }
  return { dataSet, transferSyntaxUid: uid, syntax: transferSyntax(uid), part10 };
};
