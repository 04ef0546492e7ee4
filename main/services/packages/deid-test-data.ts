// Test helpers (imported by *.test.ts only): real files with identifying content added where the
// shared data has none (the ISIC JPEGs carry no EXIF or comments), and the identifying strings of
// a real DICOM file, read with dicom-parser, for byte searches of what de-identification wrote.
import sharp from 'sharp';
import { openDicom } from '../imaging/dicom/open-dataset';
import type { DataSet } from '../imaging/dicom/dicom-parser-lib';
import { jpegSegments } from './clean-jpeg';
import { pngChunks, pngCrc } from './clean-png';

/** Strings planted in the test photographs: none may survive de-identification. */
export const PLANTED = ['Jane Doe', 'MRN0012345', 'DermaCam', 'SN-44123', 'Dr Roe', '1970:01:01', 'St Elsewhere', 'TRAILER-SECRET'];

const segment = (marker: number, payload: Buffer) => {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xff00 | marker, 0);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
};

/** The APPn segments sharp writes for EXIF and XMP naming a patient, a device and a hospital. */
async function metadataSegments(): Promise<Buffer[]> {
  const tiny = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#808080' } })
    .withExif({
      IFD0: {
        Make: 'DermaCam',
        Model: 'DC-9 SN-44123',
        Artist: 'Dr Roe',
        ImageDescription: 'Jane Doe MRN0012345',
        DateTime: '1970:01:01 10:00:00',
      },
    })
    .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description>St Elsewhere</rdf:Description></rdf:RDF></x:xmpmeta>')
    .jpeg()
    .toBuffer();
  const apps = jpegSegments(tiny, 'tiny.jpg').filter((s) => s.marker >= 0xe1 && s.marker <= 0xef);
  if (apps.length < 2) throw new Error('sharp wrote no EXIF/XMP segments');
  return apps.map((s) => tiny.subarray(s.start, s.end));
}

/**
 * A real JPEG with EXIF and XMP (from sharp), a Photoshop IPTC segment, a comment, a JFIF
 * thumbnail and bytes after EOI added around its untouched frame and scan.
 */
export async function taggedJpeg(jpeg: Buffer): Promise<Buffer> {
  const segs = jpegSegments(jpeg, 'source.jpg');
  const firstNonApp = segs.findIndex((s) => !(s.marker >= 0xe0 && s.marker <= 0xef));
  const jfifThumb = Buffer.concat([Buffer.from('JFIF\0\x01\x01\x01\x00\x48\x00\x48\x01\x01', 'latin1'), Buffer.from([1, 2, 3])]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, jfifThumb),
    ...(await metadataSegments()),
    segment(0xed, Buffer.from('Photoshop 3.0\0 8BIM St Elsewhere', 'latin1')),
    segment(0xfe, Buffer.from('Patient Jane Doe, MRN0012345', 'latin1')),
    jpeg.subarray(segs[firstNonApp].start),
    Buffer.from('TRAILER-SECRET', 'latin1'),
  ]);
}

const chunk = (type: string, data: Buffer) => {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(pngCrc(body), out.length - 4);
  return out;
};

/** A real PNG with tEXt, iTXt, tIME and eXIf chunks (and bytes after IEND) added. */
export function taggedPng(png: Buffer): Buffer {
  const chunks = pngChunks(png, 'source.png');
  const ihdrEnd = chunks[0].end;
  const time = Buffer.from([0x07, 0xb2, 1, 1, 10, 0, 0]);
  return Buffer.concat([
    png.subarray(0, ihdrEnd),
    chunk('tEXt', Buffer.from('Author\0Dr Roe, St Elsewhere', 'latin1')),
    chunk('iTXt', Buffer.from('Comment\0\0\0\0\0Jane Doe MRN0012345', 'latin1')),
    chunk('tIME', time),
    chunk('eXIf', Buffer.from('MM\0*DermaCam SN-44123 1970:01:01', 'latin1')),
    png.subarray(ihdrEnd),
    Buffer.from('TRAILER-SECRET', 'latin1'),
  ]);
}

/** Top-level elements that identify a patient, a visit, a place or a device. */
const IDENTIFYING_TAGS: Record<string, string> = {
  PatientName: 'x00100010',
  PatientID: 'x00100020',
  PatientBirthDate: 'x00100030',
  OtherPatientIDs: 'x00101000',
  AccessionNumber: 'x00080050',
  StudyDate: 'x00080020',
  SeriesDate: 'x00080021',
  AcquisitionDate: 'x00080022',
  ContentDate: 'x00080023',
  InstitutionName: 'x00080080',
  InstitutionAddress: 'x00080081',
  ReferringPhysicianName: 'x00080090',
  StationName: 'x00081010',
  StudyDescription: 'x00081030',
  SeriesDescription: 'x0008103e',
  PerformingPhysicianName: 'x00081050',
  OperatorsName: 'x00081070',
  Manufacturer: 'x00080070',
  ManufacturerModelName: 'x00081090',
  DeviceSerialNumber: 'x00181000',
  StudyID: 'x00200010',
};

const UID_LIKE = /^\d+(\.\d+){3,}$/;

/** Every UID of the file, nested ones included, except the standard's own (SOP classes, transfer syntaxes). */
function instanceUids(ds: DataSet, out: Set<string>): void {
  for (const [tag, el] of Object.entries(ds.elements)) {
    if (el.items) for (const it of el.items) if (it.dataSet) instanceUids(it.dataSet, out);
    if (tag === 'x7fe00010' || el.length > 64 || el.length < 8) continue;
    const v = ds.string(tag)?.replace(/\0/g, '').trim();
    if (v && UID_LIKE.test(v) && !v.startsWith('1.2.840.10008.')) out.add(v);
  }
}

/** What the original file says about its patient, visit, place and device (values of ≥ 4 characters), by keyword. */
export function identifyingStrings(bytes: Uint8Array, path: string): Map<string, string> {
  const ds = openDicom(bytes, path).dataSet;
  const out = new Map<string, string>();
  for (const [keyword, tag] of Object.entries(IDENTIFYING_TAGS)) {
    const v = ds.elements[tag] ? ds.string(tag)?.replace(/\0/g, '').trim() : undefined;
    if (v && v.length >= 4) out.set(keyword, v);
  }
  const uids = new Set<string>();
  instanceUids(ds, uids);
  [...uids].forEach((u, i) => out.set(`UID ${i + 1}`, u));
  return out;
}
