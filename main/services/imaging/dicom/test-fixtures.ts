// Test helpers (imported by *.test.ts only): where the shared real data lives, and a small
// writer for synthetic DICOM files, so that each odd case a test needs is built in plain sight
// rather than kept as an opaque binary.
import { join } from 'node:path';
import { sharedData } from '../../../../tests/support/data';

export const SHARED_DATA = sharedData;
export const CONFORMANCE = join(SHARED_DATA, 'dicom-conformance');
export const LIDC_0001 = join(SHARED_DATA, 'lidc/series/LIDC-IDRI-0001');
export const LIDC_0001_SERIES = join(
  LIDC_0001,
  '1.3.6.1.4.1.14519.5.2.1.6279.6001.298806137288633453246975630178',
  '1.3.6.1.4.1.14519.5.2.1.6279.6001.179049373636438705059720603192',
);

/** [tag as 0xggggeeee, VR, value]: strings, numbers (US/SS/UL/FD by VR) or raw bytes. */
export type SyntheticElement = [tag: number, vr: string, value: string | number[] | Uint8Array];

export type SyntheticFile = {
  transferSyntax?: string;
  elements: SyntheticElement[];
  /** Native pixel data (OW) … */
  pixels?: Uint8Array;
  /** … or encapsulated frames, one fragment each, with an empty basic offset table. */
  fragments?: Uint8Array[];
};

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'OD', 'OL', 'OV', 'SQ', 'UT', 'UN', 'UC', 'UR']);

const valueBytes = (vr: string, value: SyntheticElement[2], le: boolean): Uint8Array => {
  if (value instanceof Uint8Array) return value.length % 2 ? Uint8Array.from([...value, 0]) : value;
  if (typeof value === 'string') {
    const padded = value.length % 2 ? value + (vr === 'UI' ? '\0' : ' ') : value;
    return Uint8Array.from(padded, (c) => c.charCodeAt(0));
  }
  const size = vr === 'US' || vr === 'SS' ? 2 : vr === 'FD' ? 8 : 4;
  const out = new Uint8Array(value.length * size);
  const view = new DataView(out.buffer);
  value.forEach((v, i) => {
    if (vr === 'US') view.setUint16(i * size, v, le);
    else if (vr === 'SS') view.setInt16(i * size, v, le);
    else if (vr === 'FD') view.setFloat64(i * size, v, le);
    else view.setUint32(i * size, v, le);
  });
  return out;
};

const element = (
  tag: number,
  vr: string,
  data: Uint8Array,
  mode: 'explicit-le' | 'explicit-be' | 'implicit-le',
  undefinedLength = false,
): Uint8Array => {
  const le = mode !== 'explicit-be';
  const long = mode === 'implicit-le' || LONG_VRS.has(vr);
  const head = new Uint8Array(mode === 'implicit-le' ? 8 : long ? 12 : 8);
  const v = new DataView(head.buffer);
  v.setUint16(0, tag >>> 16, le);
  v.setUint16(2, tag & 0xffff, le);
  const length = undefinedLength ? 0xffffffff : data.length;
  if (mode === 'implicit-le') v.setUint32(4, length, true);
  else {
    head[4] = vr.charCodeAt(0);
    head[5] = vr.charCodeAt(1);
    if (long) v.setUint32(8, length, le);
    else v.setUint16(6, length, le);
  }
  const out = new Uint8Array(head.length + data.length);
  out.set(head);
  out.set(data, head.length);
  return out;
};

const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

const item = (tag: number, data: Uint8Array): Uint8Array => {
  const head = new Uint8Array(8);
  const v = new DataView(head.buffer);
  v.setUint16(0, 0xfffe, true);
  v.setUint16(2, tag, true);
  v.setUint32(4, data.length, true);
  return concat([head, data]);
};

/** A Part 10 file: preamble, DICM, meta header (explicit VR LE), then the data set. */
export const writeDicom = (f: SyntheticFile): Uint8Array => {
  const ts = f.transferSyntax ?? '1.2.840.10008.1.2.1';
  const mode = ts === '1.2.840.10008.1.2' ? 'implicit-le' : ts === '1.2.840.10008.1.2.2' ? 'explicit-be' : 'explicit-le';
  const sop = f.elements.find(([t]) => t === 0x00080018)?.[2];
  const metaBody = concat([
    element(0x00020001, 'OB', Uint8Array.from([0, 1]), 'explicit-le'),
    element(0x00020002, 'UI', valueBytes('UI', '1.2.840.10008.5.1.4.1.1.2', true), 'explicit-le'),
    element(0x00020003, 'UI', valueBytes('UI', typeof sop === 'string' ? sop : '1.2.3', true), 'explicit-le'),
    element(0x00020010, 'UI', valueBytes('UI', ts, true), 'explicit-le'),
  ]);
  const meta = concat([element(0x00020000, 'UL', valueBytes('UL', [metaBody.length], true), 'explicit-le'), metaBody]);
  const le = mode !== 'explicit-be';
  const body = [...f.elements].sort((a, b) => a[0] - b[0]).map(([tag, vr, value]) => element(tag, vr, valueBytes(vr, value, le), mode));
  if (f.pixels) body.push(element(0x7fe00010, 'OW', valueBytes('OB', f.pixels, le), mode));
  if (f.fragments) {
    const seq = concat([
      item(0xe000, new Uint8Array(0)),
      ...f.fragments.map((fr) => item(0xe000, valueBytes('OB', fr, true))),
      item(0xe0dd, new Uint8Array(0)),
    ]);
    body.push(element(0x7fe00010, 'OB', seq, mode, true));
  }
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  return concat([preamble, meta, ...body]);
};

/** A small CT-like instance: the elements every image needs, to extend or override per test. */
export const ctElements = (o: { rows?: number; columns?: number; z?: number; uid?: string; series?: string } = {}): SyntheticElement[] => [
  [0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.2'],
  [0x00080018, 'UI', o.uid ?? '1.2.826.0.1.3680043.10.1.1'],
  [0x00080060, 'CS', 'CT'],
  [0x0020000d, 'UI', '1.2.826.0.1.3680043.10.1'],
  [0x0020000e, 'UI', o.series ?? '1.2.826.0.1.3680043.10.1.2'],
  [0x00200032, 'DS', `0\\0\\${o.z ?? 0}`],
  [0x00200037, 'DS', '1\\0\\0\\0\\1\\0'],
  [0x00280002, 'US', [1]],
  [0x00280004, 'CS', 'MONOCHROME2'],
  [0x00280010, 'US', [o.rows ?? 2]],
  [0x00280011, 'US', [o.columns ?? 3]],
  [0x00280030, 'DS', '0.5\\0.5'],
  [0x00280100, 'US', [16]],
  [0x00280101, 'US', [16]],
  [0x00280103, 'US', [1]],
  [0x00281052, 'DS', '-1024'],
  [0x00281053, 'DS', '1'],
];

/** Replace (or add) elements by tag. */
export const withElements = (base: SyntheticElement[], changes: SyntheticElement[]): SyntheticElement[] => [
  ...base.filter(([t]) => !changes.some(([c]) => c === t)),
  ...changes,
];

export const int16Bytes = (values: number[], littleEndian = true): Uint8Array => {
  const out = new Uint8Array(values.length * 2);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => v.setInt16(i * 2, x, littleEndian));
  return out;
};
