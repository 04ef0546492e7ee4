// Seeded mutations of a DICOM file, for the mutation test (npm run fuzz): byte flips, truncation,
// tag value changes (the header values decoders trust, with the values that break them) and
// length field changes (element lengths and the items of encapsulated pixel data). The same
// (seed, index) always gives the same mutant, so any failure can be replayed by its number.
import { dicomParser } from '../dicom-parser-lib';
import { transferSyntax } from '../transfer-syntax';

/** Where an element's value and its length field are, in the file's bytes. */
type Field = {
  tag: string;
  vr: string | undefined;
  dataOffset: number;
  length: number;
  lengthAt: number;
  lengthBytes: 2 | 4;
  bigEndian: boolean;
};

export type Source = { name: string; bytes: Uint8Array; fields: Field[]; items: number[]; explicit: boolean; bigEndian: boolean };

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'OD', 'OL', 'OV', 'SQ', 'UT', 'UN', 'UC', 'UR']);

/** mulberry32: a small, well-mixed 32-bit PRNG. */
export const rng = (seed: number) => {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] };
};
type Rng = ReturnType<typeof rng>;

/** The top-level elements (and pixel data items) of a file, found once per source. */
export const describeSource = (name: string, bytes: Uint8Array): Source => {
  const src: Source = { name, bytes, fields: [], items: [], explicit: true, bigEndian: false };
  let ds;
  try {
    ds = dicomParser.parseDicom(bytes);
  } catch {
    return src; // not parsable as it is: byte flips and truncation only
  }
  const uid = (ds.string('x00020010') ?? '').replace(/\0/g, '').trim();
  const syntax = transferSyntax(uid);
  src.explicit = uid !== '1.2.840.10008.1.2';
  src.bigEndian = syntax?.bigEndian ?? false;
  const positional = !syntax?.deflated;
  for (const el of Object.values(ds.elements)) {
    const meta = el.tag.startsWith('x0002');
    if (!meta && !positional) continue;
    const explicit = meta || src.explicit;
    const long = !explicit || LONG_VRS.has(el.vr ?? '');
    if (el.hadUndefinedLength) continue;
    src.fields.push({
      tag: el.tag,
      vr: el.vr,
      dataOffset: el.dataOffset,
      length: el.length,
      lengthAt: el.dataOffset - (long ? 4 : 2),
      lengthBytes: long ? 4 : 2,
      bigEndian: !meta && src.bigEndian,
    });
  }
  const px = ds.elements.x7fe00010;
  if (positional && px?.encapsulatedPixelData) {
    src.items.push(px.dataOffset + 4, ...(px.fragments ?? []).map((f) => f.position - 4));
  }
  return src;
};

const INTERESTING = [
  'x00280002',
  'x00280004',
  'x00280006',
  'x00280008',
  'x00280010',
  'x00280011',
  'x00280100',
  'x00280101',
  'x00280102',
  'x00280103',
  'x00020010',
  'x00281052',
  'x00281053',
  'x00281101',
  'x00280030',
];
const US_VALUES = [0, 1, 2, 3, 4, 7, 8, 12, 15, 16, 17, 24, 32, 64, 255, 256, 4096, 0x7fff, 0x8000, 0xffff];
const IS_VALUES = [
  '0',
  '-1',
  '1',
  '2',
  '3',
  '7',
  '100',
  '65536',
  '10000000',
  '2147483647',
  '4294967296',
  '1e308',
  'NaN',
  '-2147483648',
  ' ',
  '1.5',
];
const CS_VALUES = [
  'RGB',
  'MONOCHROME1',
  'MONOCHROME2',
  'PALETTE COLOR',
  'YBR_FULL',
  'YBR_FULL_422',
  'YBR_RCT',
  'YBR_ICT',
  'YBR_PARTIAL_420',
  'ARGB',
  'HSV',
  '',
];
const UI_VALUES = [
  '1.2.840.10008.1.2',
  '1.2.840.10008.1.2.1',
  '1.2.840.10008.1.2.2',
  '1.2.840.10008.1.2.1.99',
  '1.2.840.10008.1.2.5',
  '1.2.840.10008.1.2.4.50',
  '1.2.840.10008.1.2.4.51',
  '1.2.840.10008.1.2.4.57',
  '1.2.840.10008.1.2.4.70',
  '1.2.840.10008.1.2.4.80',
  '1.2.840.10008.1.2.4.81',
  '1.2.840.10008.1.2.4.90',
  '1.2.840.10008.1.2.4.91',
  '1.2.3',
  '',
];

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

const ascii = (s: string): Uint8Array => Uint8Array.from(s.length % 2 ? `${s} ` : s, (c) => c.charCodeAt(0) & 0xff);

const writeLength = (b: Uint8Array, f: Pick<Field, 'lengthAt' | 'lengthBytes' | 'bigEndian'>, length: number): void => {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (f.lengthBytes === 2) v.setUint16(f.lengthAt, length & 0xffff, !f.bigEndian);
  else v.setUint32(f.lengthAt, length >>> 0, !f.bigEndian);
};

const newValue = (f: Field, r: Rng): Uint8Array => {
  if (f.vr === 'US' || f.vr === 'SS' || (f.vr === undefined && f.length === 2)) {
    const out = new Uint8Array(2);
    new DataView(out.buffer).setUint16(0, r.next() < 0.8 ? r.pick(US_VALUES) : r.int(65536), !f.bigEndian);
    return out;
  }
  if (f.tag === 'x00280004') return ascii(r.pick(CS_VALUES));
  if (f.tag === 'x00020010') return ascii(r.pick(UI_VALUES));
  if (f.vr === 'IS' || f.vr === 'DS' || f.tag === 'x00280008') return ascii(r.pick(IS_VALUES));
  const n = r.int(Math.min(64, f.length + 8));
  return Uint8Array.from({ length: n + (n % 2) }, () => r.int(256));
};

/** Replace an element's value (and its length field) with another value. */
const changeValue = (src: Source, r: Rng): Uint8Array => {
  const interesting = src.fields.filter((f) => INTERESTING.includes(f.tag));
  const f = r.next() < 0.8 && interesting.length > 0 ? r.pick(interesting) : r.pick(src.fields);
  const value = newValue(f, r);
  const b = src.bytes;
  const out = concat(b.subarray(0, f.dataOffset), value, b.subarray(f.dataOffset + f.length));
  writeLength(out, f, value.length);
  return out;
};

/** Add NumberOfFrames (0028,0008) to a file that has none, with a value that may lie. */
const insertFrames = (src: Source, r: Rng): Uint8Array | null => {
  const after = src.fields.filter((f) => f.tag > 'x00280008' && !f.tag.startsWith('x0002')).sort((a, b) => a.dataOffset - b.dataOffset)[0];
  if (!after || src.fields.some((f) => f.tag === 'x00280008')) return null;
  const value = ascii(r.pick(IS_VALUES));
  const head = new Uint8Array(8);
  const v = new DataView(head.buffer);
  v.setUint16(0, 0x0028, !src.bigEndian);
  v.setUint16(2, 0x0008, !src.bigEndian);
  if (src.explicit) {
    head.set([0x49, 0x53], 4); // IS
    v.setUint16(6, value.length, !src.bigEndian);
  } else v.setUint32(4, value.length, true);
  const at = after.dataOffset - (src.explicit && after.lengthBytes === 4 ? 12 : 8); // its tag
  return concat(src.bytes.subarray(0, at), head, value, src.bytes.subarray(at));
};

const changeLength = (src: Source, r: Rng): Uint8Array => {
  const out = src.bytes.slice();
  const useItem = src.items.length > 0 && r.next() < 0.5;
  const target = useItem ? { lengthAt: r.pick(src.items), lengthBytes: 4 as const, bigEndian: false } : r.pick(src.fields);
  const v = new DataView(out.buffer);
  const old = target.lengthBytes === 2 ? v.getUint16(target.lengthAt, !target.bigEndian) : v.getUint32(target.lengthAt, !target.bigEndian);
  const choices = [
    old + 1,
    old - 1,
    old + 2,
    old - 2,
    old + 3,
    old - 3,
    0,
    1,
    0xffffffff,
    0x7fffffff,
    old * 2,
    old >> 1,
    old + r.int(4096),
    old - r.int(4096),
    r.int(2 ** 32),
  ];
  writeLength(out, target, Math.max(0, r.pick(choices)));
  return out;
};

const flipBytes = (b: Uint8Array, r: Rng): Uint8Array => {
  const out = b.slice();
  const span = r.next() < 0.5 ? Math.min(out.length, 4096) : out.length;
  const n = 1 + r.int(8);
  for (let i = 0; i < n; i++) out[r.int(span)] ^= 1 + r.int(255);
  return out;
};

const truncate = (b: Uint8Array, r: Rng): Uint8Array =>
  b.subarray(0, r.next() < 0.5 ? r.int(b.length) : b.length - 1 - r.int(Math.max(1, b.length >> 3)));

export type MutationKind = 'flip' | 'truncate' | 'value' | 'length';

/** Mutant number `index` of the run seeded with `seed`. */
export const mutant = (sources: Source[], seed: number, index: number): { source: string; kind: MutationKind; bytes: Uint8Array } => {
  const r = rng((seed * 0x9e3779b1) ^ (index * 0x85ebca6b));
  const src = sources[r.int(sources.length)];
  const positional = src.fields.length > 0;
  const kinds: MutationKind[] = positional ? ['flip', 'truncate', 'value', 'value', 'length'] : ['flip', 'truncate'];
  const kind = r.pick(kinds);
  if (kind === 'flip') return { source: src.name, kind, bytes: flipBytes(src.bytes, r) };
  if (kind === 'truncate') return { source: src.name, kind, bytes: truncate(src.bytes, r) };
  if (kind === 'length') return { source: src.name, kind, bytes: changeLength(src, r) };
  const inserted = r.next() < 0.15 ? insertFrames(src, r) : null;
  return { source: src.name, kind, bytes: inserted ?? changeValue(src, r) };
};
