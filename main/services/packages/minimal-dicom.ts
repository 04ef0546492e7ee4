// A small writer for Explicit VR Little Endian DICOM Part-10 files holding only the elements it is
// given. The de-identified images in a study package are written with it: building a file from a
// short list of named values is safer than deleting identifiers from a full header, because
// nothing that is not listed (private tags, sequences, overlays, free text) can slip through.
import { VerdictError } from '../../../app/errors';

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

/** Verdict's implementation class UID (PS3.7 Annex C): a UUID-derived UID made once for this writer. */
const IMPLEMENTATION_CLASS_UID = '2.25.329117601325928036159734082782060247787';

type Vr = 'UI' | 'CS' | 'DS' | 'IS' | 'US' | 'UL' | 'OB' | 'OW';

/** One element: tag as 0xggggeeee, VR, and its value (strings for text VRs, numbers for US/UL/DS/IS, bytes for OB/OW). */
export type DicomElement = { tag: number; vr: Vr; value: string | number | number[] | Uint8Array };

const LONG_VRS = new Set<Vr>(['OB', 'OW']);
const MAX_LENGTH: Partial<Record<Vr, number>> = { UI: 64, CS: 16, DS: 16, IS: 12 };

const UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

/** A DICOM UID (PS3.5 §9.1): digits and dots, no leading zeros in a component, at most 64 characters. */
export const isDicomUid = (s: string): boolean => s.length <= 64 && UID.test(s);

/**
 * A decimal string (DS, ≤ 16 characters) that reads back as exactly `v` where that fits: values
 * that came from a DS always do (their shortest round-trip form is never longer than the original).
 */
export function decimalString(v: number): string {
  if (!Number.isFinite(v)) throw new RangeError(`DS value ${v} is not a finite number`);
  const plain = Object.is(v, -0) ? '0' : String(v);
  if (plain.length <= 16) return plain;
  for (let p = 15; p > 0; p--) {
    const s = String(Number(v.toPrecision(p)));
    if (s.length <= 16) return s;
    const e = v.toExponential(p - 1);
    if (e.length <= 16) return e;
  }
  throw new RangeError(`DS value ${v} does not fit 16 characters`);
}

const text = (vr: Vr, value: DicomElement['value']): string => {
  const values = Array.isArray(value) ? value : [value];
  return values
    .map((v) => {
      const s = typeof v === 'number' ? (vr === 'DS' ? decimalString(v) : String(Math.round(v))) : String(v);
      const max = MAX_LENGTH[vr];
      if (max !== undefined && s.length > max) throw new RangeError(`${vr} value "${s}" is longer than ${max} characters`);
      if (vr === 'UI' && !isDicomUid(s)) throw new RangeError(`"${s}" is not a DICOM UID`);
      if (!/^[\x20-\x7e]*$/.test(s) || s.includes('\\')) throw new RangeError(`${vr} value "${s}" is not plain ASCII`);
      return s;
    })
    .join('\\');
};

const valueBytes = (el: DicomElement): Buffer => {
  const { vr, value } = el;
  if (vr === 'OB' || vr === 'OW') {
    if (!(value instanceof Uint8Array)) throw new RangeError(`${vr} needs bytes`);
    const b = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return b.length % 2 ? Buffer.concat([b, Buffer.alloc(1)]) : b;
  }
  if (vr === 'US' || vr === 'UL') {
    const values = (Array.isArray(value) ? value : [value]) as number[];
    const size = vr === 'US' ? 2 : 4;
    const out = Buffer.alloc(values.length * size);
    values.forEach((v, i) => (vr === 'US' ? out.writeUInt16LE(v, i * 2) : out.writeUInt32LE(v, i * 4)));
    return out;
  }
  const s = text(vr, value);
  // PS3.5 §6.2: values are padded to even length, UIDs with NUL, text with a space.
  return Buffer.from(s.length % 2 ? s + (vr === 'UI' ? '\0' : ' ') : s, 'latin1');
};

const encode = (el: DicomElement): Buffer => {
  const data = valueBytes(el);
  const long = LONG_VRS.has(el.vr);
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(el.tag >>> 16, 0);
  head.writeUInt16LE(el.tag & 0xffff, 2);
  head.write(el.vr, 4, 'latin1');
  if (long) head.writeUInt32LE(data.length, 8);
  else if (data.length > 0xffff) throw new RangeError(`element ${el.tag.toString(16)} is too long for a 16-bit length`);
  else head.writeUInt16LE(data.length, 6);
  return Buffer.concat([head, data]);
};

const encodeAll = (elements: DicomElement[]): Buffer => {
  const sorted = [...elements].sort((a, b) => a.tag - b.tag);
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i].tag === sorted[i - 1].tag) throw new RangeError(`element ${sorted[i].tag.toString(16)} is given twice`);
  return Buffer.concat(sorted.map(encode));
};

/**
 * A Part-10 file (PS3.10 §7.1): 128-byte preamble, "DICM", the File Meta group and the data
 * set, in Explicit VR Little Endian. The meta group's SOP class and instance UIDs are taken
 * from the data set, as the standard requires them to match.
 */
export function writeDicomFile(elements: DicomElement[]): Buffer {
  const uidOf = (tag: number): string => {
    const v = elements.find((e) => e.tag === tag)?.value;
    if (typeof v !== 'string') throw new VerdictError('internal', `A DICOM file needs (${tag.toString(16)}) to be written.`);
    return v;
  };
  if (elements.some((e) => e.tag >>> 16 <= 0x0002)) throw new RangeError('the data set may not hold group 0000–0002 elements');
  const meta = encodeAll([
    { tag: 0x00020001, vr: 'OB', value: Uint8Array.of(0, 1) },
    { tag: 0x00020002, vr: 'UI', value: uidOf(0x00080016) },
    { tag: 0x00020003, vr: 'UI', value: uidOf(0x00080018) },
    { tag: 0x00020010, vr: 'UI', value: EXPLICIT_VR_LITTLE_ENDIAN },
    { tag: 0x00020012, vr: 'UI', value: IMPLEMENTATION_CLASS_UID },
  ]);
  const groupLength = encode({ tag: 0x00020000, vr: 'UL', value: meta.length });
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), groupLength, meta, encodeAll(elements)]);
}
