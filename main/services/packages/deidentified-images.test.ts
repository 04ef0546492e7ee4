import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import { conformance, isicImages, lidc0001, task2Example, tempDir } from '../../../tests/support/data';
import { decodeFramesFromBytes, instanceFromBytes, loadSlice, type DicomInstance } from '../imaging/dicom';
import { decodeRgb } from '../imaging/isic';
import { jpegSegments } from './clean-jpeg';
import { pngChunks } from './clean-png';
import { PLANTED, identifyingStrings, taggedJpeg, taggedPng } from './deid-test-data';
import { deidentifiedImage, freshUid, type ImageRow, type SeriesRow } from './deidentified-images';
import { decimalString, isDicomUid } from './minimal-dicom';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const uids = () => ({ series: freshUid(), study: freshUid() });
const hasBytes = (hay: Buffer, needle: string) => hay.includes(Buffer.from(needle, 'latin1'));
/**
 * The written DICOM header as text, without the fresh UIDs: random digits (and the pixels
 * themselves) could hold a short original value by chance, so the search looks at the rest.
 */
const headerWithoutFreshUids = (data: Buffer, fresh: (string | null)[]) => {
  let text = data.toString('latin1', 0, data.lastIndexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00])));
  for (const u of fresh) if (u) text = text.replaceAll(u, '');
  return text;
};
/** Same element type and the same bytes (a plain comparison, so a failure does not print a million values). */
const sameArray = (a: ArrayBufferView | null, b: ArrayBufferView | null) =>
  !!a &&
  !!b &&
  Object.getPrototypeOf(a) === Object.getPrototypeOf(b) &&
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const sameBytes = (a: ArrayBufferView, b: ArrayBufferView) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const lidcSlice = (n: number) =>
  join(
    lidc0001,
    readdirSync(lidc0001, { recursive: true, encoding: 'utf8' })
      .filter((p) => p.endsWith('.dcm'))
      .sort()[n],
  );

/** The image and series rows the import would write for one frame of a DICOM file. */
function rowsFor(path: string, frame = 0): { row: ImageRow; series: SeriesRow; instance: DicomInstance; bytes: Buffer } {
  const bytes = readFileSync(path);
  const instance = instanceFromBytes(bytes, path);
  const f = instance.frames?.[frame];
  const position = f ? f.position : instance.imagePositionPatient;
  const mono = instance.samplesPerPixel === 1 && instance.photometricInterpretation.startsWith('MONOCHROME');
  return {
    bytes,
    instance,
    row: {
      id: 1,
      kind: mono ? 'ct-slice' : 'dicom-image',
      path,
      sha256: sha(bytes),
      frame,
      rows: instance.rows,
      columns: instance.columns,
      instance_number: instance.instanceNumber,
      position_json: position ? JSON.stringify(position) : null,
      rescale_slope: mono ? (f?.rescaleSlope ?? instance.rescaleSlope) : null,
      rescale_intercept: mono ? (f?.rescaleIntercept ?? instance.rescaleIntercept) : null,
    },
    series: {
      modality: instance.modality ?? 'OT',
      pixel_spacing_row: instance.pixelSpacing?.[0] ?? null,
      pixel_spacing_col: instance.pixelSpacing?.[1] ?? null,
      slice_thickness: instance.sliceThickness,
      orientation_json: instance.imageOrientationPatient ? JSON.stringify(instance.imageOrientationPatient) : null,
      window_center: instance.windowCenter,
      window_width: instance.windowWidth,
    },
  };
}

describe('fresh UIDs', () => {
  test('are DICOM UIDs under the UUID root 2.25, new on every call', () => {
    const made = Array.from({ length: 2000 }, freshUid);
    for (const u of made) {
      expect(isDicomUid(u), u).toBe(true);
      expect(u.startsWith('2.25.') && u.length <= 44).toBe(true);
    }
    expect(new Set(made).size).toBe(made.length);
    expect(isDicomUid('1.2.03')).toBe(false); // a leading zero in a component is not allowed
  });

  test('decimal strings read back as the same number in at most 16 characters', () => {
    for (const v of [-1024, 0.703125, 32.1216, -4047, 2.5, -0, 1e-7, -123.456789012345, 0.1 + 0.2]) {
      const s = decimalString(v);
      expect(s.length).toBeLessThanOrEqual(16);
      if (String(v).length <= 16) expect(Number(s)).toBe(v === 0 ? 0 : v);
      else expect(Math.abs(Number(s) - v) / Math.abs(v)).toBeLessThan(1e-13);
    }
  });
});

// One LIDC slice and the conformance CTs Verdict decodes, in as many encodings as the data holds:
// compressed (JPEG baseline 8-bit with a non-unit slope, JPEG lossless, JPEG-LS, JPEG 2000, RLE),
// big endian, deflated, and an enhanced multi-frame CT whose second frame is taken.
const CT_FILES: [string, number][] = [
  [lidcSlice(40), 0],
  [join(conformance, 'cornerstone-loader/CTImage.dcm_JPEGProcess1TransferSyntax_1.2.840.10008.1.2.4.50.dcm'), 0],
  [join(conformance, 'cornerstone-loader/CTImage.dcm_JPEGProcess14SV1TransferSyntax_1.2.840.10008.1.2.4.70.dcm'), 0],
  [join(conformance, 'cornerstone-loader/CTImage.dcm_JPEGLSLossyTransferSyntax_1.2.840.10008.1.2.4.81.dcm'), 0],
  [join(conformance, 'cornerstone-loader/CT1_J2KR'), 0],
  [join(conformance, 'cornerstone-loader/CTImage.dcm_BigEndianExplicitTransferSyntax_1.2.840.10008.1.2.2.dcm'), 0],
  [join(conformance, 'cornerstone-loader/CTImage.dcm_DeflatedExplicitVRLittleEndianTransferSyntax_1.2.840.10008.1.2.1.99.dcm'), 0],
  [join(conformance, 'dicom-parser/encapsulated/multi-frame/CT0012.fragmented_no_bot_jpeg_ls.80.dcm'), 1],
  [join(conformance, 'dicom-parser/encapsulated/multi-frame/CT0012.not_fragmented_bot_rle.dcm'), 0],
];

describe('CT slices', () => {
  test.each(CT_FILES)('%s frame %i: same stored values, HU and geometry; no identifier of the original', async (path, frame) => {
    const { row, series, instance, bytes } = rowsFor(path, frame);
    const u = uids();
    const out = await deidentifiedImage(row, series, u);
    expect(out.ext).toBe('dcm');
    expect(out.transferSyntax).toBe('1.2.840.10008.1.2.1');

    const before = await loadSlice({ path, frame }, { bytes: new Map([[path, bytes]]) });
    const after = await loadSlice({ path: 'out.dcm', frame: 0 }, { bytes: new Map([['out.dcm', out.data]]) });
    expect(after.frame.kind).toBe('mono');
    expect(sameArray(after.frame.pixels, before.frame.pixels)).toBe(true);
    expect(sameArray(after.hu, before.hu)).toBe(true);

    const header = instanceFromBytes(out.data, 'out.dcm');
    expect(header).toMatchObject({
      sopInstanceUid: out.sopUid,
      seriesInstanceUid: u.series,
      studyInstanceUid: u.study,
      sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
      modality: 'CT',
      numberOfFrames: 1,
      rows: instance.rows,
      columns: instance.columns,
      pixelSpacing: instance.pixelSpacing,
      sliceThickness: instance.sliceThickness,
      imagePositionPatient: JSON.parse(row.position_json!),
      imageOrientationPatient: instance.imageOrientationPatient,
      rescaleSlope: row.rescale_slope,
      rescaleIntercept: row.rescale_intercept,
      windowCenter: instance.windowCenter,
      windowWidth: instance.windowWidth,
      instanceNumber: instance.instanceNumber,
      phi: { patientId: null, patientName: null },
      studyDate: null,
      manufacturer: null,
      seriesDescription: null,
    });
    expect(isDicomUid(out.sopUid!)).toBe(true);

    const identifying = identifyingStrings(bytes, path);
    expect([...identifying.keys()], [...identifying].join('; ')).toEqual(
      expect.arrayContaining(['PatientID', 'StudyDate', 'UID 1', 'UID 2', 'UID 3']),
    );
    const headerText = headerWithoutFreshUids(out.data, [out.sopUid, u.series, u.study]);
    for (const [keyword, value] of identifying) expect(headerText.includes(value), `${keyword} "${value}"`).toBe(false);
  });

  test('each call gives the slice a new SOP instance UID', async () => {
    const { row, series } = rowsFor(lidcSlice(0));
    const u = uids();
    const [a, b] = [await deidentifiedImage(row, series, u), await deidentifiedImage(row, series, u)];
    expect(a.sopUid).not.toBe(b.sopUid);
    expect(a.data.subarray(132 + 200).equals(b.data.subarray(132 + 200))).toBe(false);
  });

  test('a file changed since import, or gone, is refused by name', async () => {
    const dir = tempDir('verdict-deid-');
    const path = join(dir, 'slice.dcm');
    writeFileSync(path, readFileSync(lidcSlice(0)));
    const { row, series } = rowsFor(path);
    const damaged = readFileSync(path);
    damaged[damaged.length - 1] ^= 1;
    writeFileSync(path, damaged);
    await expect(deidentifiedImage(row, series, uids())).rejects.toMatchObject({ code: 'file.changed', message: /slice\.dcm/ });
    await expect(deidentifiedImage({ ...row, path: join(dir, 'gone.dcm') }, series, uids())).rejects.toMatchObject({
      code: 'file.not-found',
      message: /gone\.dcm/,
    });
  });

  test('the new UIDs must be DICOM UIDs', async () => {
    const { row, series } = rowsFor(lidcSlice(0));
    await expect(deidentifiedImage(row, series, { series: 'abc', study: freshUid() })).rejects.toMatchObject({ code: 'dicom.bad-value' });
  });
});

describe('colour DICOM (dicom-image)', () => {
  test.each([
    'cornerstone-loader/US-YBR_FULL_422-EVRLE.dcm',
    'cornerstone-loader/no-pixel-spacing.dcm', // RLE palette colour
    'dicom-parser/encapsulated/multi-frame/IM00001.fragmented_no_bot_jpeg_baseline.50.dcm',
  ])('%s: the same RGB under fresh UIDs, nothing identifying', async (rel) => {
    const path = join(conformance, rel);
    const { row, series, bytes } = rowsFor(path);
    expect(row.kind).toBe('dicom-image');
    const u = uids();
    const out = await deidentifiedImage(row, null, u);
    const [before] = await decodeFramesFromBytes(bytes, path, [0]);
    const [after] = await decodeFramesFromBytes(out.data, 'out.dcm', [0]);
    expect(after).toMatchObject({ kind: 'rgb', rows: before.rows, columns: before.columns });
    expect(sameBytes(after.pixels, before.pixels)).toBe(true);
    expect(instanceFromBytes(out.data, 'out.dcm').modality).toBe(series.modality);
    const headerText = headerWithoutFreshUids(out.data, [out.sopUid, u.series, u.study]);
    for (const [keyword, value] of identifyingStrings(bytes, path)) expect(headerText.includes(value), `${keyword} "${value}"`).toBe(false);
  });
});

describe('dermoscopy', () => {
  const photoRow = (path: string): ImageRow => ({
    id: 1,
    kind: 'dermoscopy',
    path,
    sha256: sha(readFileSync(path)),
    frame: 0,
    rows: 0,
    columns: 0,
    instance_number: null,
    position_json: null,
    rescale_slope: null,
    rescale_intercept: null,
  });
  /** decodeRgb (what ImagingService shows) gives the same size and RGBA for both files. */
  const sameRgba = async (a: string, b: string) => {
    const [x, y] = [await decodeRgb(a), await decodeRgb(b)];
    return x.width === y.width && x.height === y.height && sameBytes(x.rgba, y.rgba);
  };
  const written = (data: Buffer, name: string) => {
    const p = join(tempDir('verdict-deid-'), name);
    writeFileSync(p, data);
    return p;
  };

  test('ISIC JPEGs keep their compressed data byte for byte and decode to the same RGBA', async () => {
    for (const name of readdirSync(isicImages).sort().slice(0, 5)) {
      const path = join(isicImages, name);
      const original = readFileSync(path);
      const out = await deidentifiedImage(photoRow(path), null, uids());
      expect(out).toMatchObject({ ext: 'jpg', transferSyntax: null, sopUid: null });
      const scan = (b: Buffer) => b.subarray(jpegSegments(b, name).find((s) => s.marker === 0xc0)!.start);
      expect(scan(out.data).equals(scan(original))).toBe(true);
      expect(await sameRgba(written(out.data, 'a.jpg'), path)).toBe(true);
    }
  });

  test('EXIF, XMP, IPTC, comments, a thumbnail and trailing bytes are removed; the pixels stay', async () => {
    const path = written(await taggedJpeg(readFileSync(join(task2Example, 'ISIC_0000000.jpg'))), 'tagged.jpg');
    const tagged = readFileSync(path);
    for (const s of PLANTED) expect(hasBytes(tagged, s), s).toBe(true);
    const out = await deidentifiedImage(photoRow(path), null, uids());
    expect(out.ext).toBe('jpg');
    for (const s of PLANTED) expect(hasBytes(out.data, s), s).toBe(false);
    const markers = jpegSegments(out.data, 'out.jpg').map((s) => s.marker);
    expect(markers.filter((m) => (m >= 0xe0 && m <= 0xef) || m === 0xfe)).toEqual([0xe0]);
    expect(out.data.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    expect(await sameRgba(written(out.data, 'b.jpg'), path)).toBe(true);
  });

  test('a JPEG with an ICC profile becomes a PNG of the sRGB pixels the viewer shows, without the profile', async () => {
    const withIcc = await sharp(join(isicImages, 'ISIC_0024306.jpg'))
      .withIccProfile('p3')
      .withExif({ IFD0: { Artist: 'Dr Roe' } })
      .jpeg()
      .toBuffer();
    const path = written(withIcc, 'icc.jpg');
    const out = await deidentifiedImage(photoRow(path), null, uids());
    expect(out.ext).toBe('png');
    expect(pngChunks(out.data, 'out.png').map((c) => c.type)).not.toContain('iCCP');
    expect(hasBytes(out.data, 'Dr Roe')).toBe(false);
    expect(await sameRgba(written(out.data, 'c.png'), path)).toBe(true);
  });

  test('PNG text, time and EXIF chunks are removed; the pixels stay', async () => {
    const png = await sharp(join(isicImages, 'ISIC_0024307.jpg')).png().toBuffer();
    const path = written(taggedPng(png), 'tagged.png');
    const out = await deidentifiedImage(photoRow(path), null, uids());
    expect(out.ext).toBe('png');
    for (const s of PLANTED) expect(hasBytes(out.data, s), s).toBe(false);
    expect(pngChunks(out.data, 'out.png').every((c) => ['IHDR', 'IDAT', 'IEND'].includes(c.type))).toBe(true);
    expect(await sameRgba(written(out.data, 'd.png'), path)).toBe(true);
  });

  test('a malformed JPEG or PNG, or another format, is refused naming the file', async () => {
    const jpeg = readFileSync(join(isicImages, 'ISIC_0024306.jpg'));
    const png = await sharp(jpeg).png().toBuffer();
    const cases: [string, Buffer, RegExp][] = [
      ['cut.jpg', jpeg.subarray(0, 5000), /cut\.jpg is not a well-formed JPEG: its scan data ends before EOI/],
      ['overrun.jpg', Buffer.concat([jpeg.subarray(0, 20), Buffer.from([0xff, 0xe1, 0xff, 0xff])]), /overrun\.jpg .*runs past the end/],
      ['noframe.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xd9]), /noframe\.jpg .*no frame header/],
      ['cut.png', png.subarray(0, png.length - 30), /cut\.png is not a well-formed PNG/],
      ['crc.png', Buffer.concat([png.subarray(0, 40), Buffer.from([png[40] ^ 0xff]), png.subarray(41)]), /crc\.png .*fails its CRC/],
      ['image.gif', Buffer.from('GIF89a....', 'latin1'), /image\.gif is neither a JPEG nor a PNG/],
    ];
    for (const [name, bytes, message] of cases)
      await expect(deidentifiedImage(photoRow(written(bytes, name)), null, uids()), name).rejects.toMatchObject({
        code: 'isic.bad-image',
        message,
      });
  });
});
