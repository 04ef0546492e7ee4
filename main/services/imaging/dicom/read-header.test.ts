import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VerdictError } from '../../../../app/errors';
import { instanceFromBytes, readDicomInstance } from './read-header';
import { ctElements, int16Bytes, LIDC_0001_SERIES, withElements, writeDicom } from './test-fixtures';

const LIDC_FILE = join(LIDC_0001_SERIES, '000021.dcm');

const refusal = (fn: () => unknown): VerdictError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof VerdictError) return e;
    throw e;
  }
  throw new Error('expected a VerdictError');
};

describe('readDicomInstance on a real LIDC slice', () => {
  it('reads the metadata pydicom reads, and the file hash', async () => {
    const inst = await readDicomInstance(LIDC_FILE);
    expect(inst).toMatchObject({
      modality: 'CT',
      transferSyntaxUid: '1.2.840.10008.1.2.1',
      transferSyntaxName: 'Explicit VR Little Endian',
      rows: 512,
      columns: 512,
      numberOfFrames: 1,
      bitsAllocated: 16,
      bitsStored: 16,
      pixelRepresentation: 1,
      samplesPerPixel: 1,
      photometricInterpretation: 'MONOCHROME2',
      pixelSpacing: [0.703125, 0.703125],
      sliceThickness: 2.5,
      imageOrientationPatient: [1, 0, 0, 0, 1, 0],
      rescaleSlope: 1,
      rescaleIntercept: -1024,
      windowCenter: -600,
      windowWidth: 1600,
      instanceNumber: 133,
      seriesInstanceUid: '1.3.6.1.4.1.14519.5.2.1.6279.6001.179049373636438705059720603192',
      sopInstanceUid: '1.3.6.1.4.1.14519.5.2.1.6279.6001.227129408140157230270926028555',
      frames: null,
    });
    expect(inst.imagePositionPatient?.[2]).toBe(-340);
    // `sha256sum 000021.dcm`
    expect(inst.sha256).toBe('6bdae3095f0d2a128d0b98b3db4655bcadd41b8eea642e060fa3e2bccbff60ef');
    expect(inst.phi.patientId).toBe('LIDC-IDRI-0001');
  });
});

describe('refusals name the file and the reason', () => {
  const bytes = readFileSync(LIDC_FILE);

  it('garbage, empty and too-short files are not DICOM', () => {
    let s = 7;
    const garbage = new Uint8Array(4000).map(() => (s = (s * 1103515245 + 12345) & 0x7fffffff) & 255);
    expect(refusal(() => instanceFromBytes(garbage, '/x/noise.bin'))).toMatchObject({
      code: 'dicom.not-dicom',
      message: expect.stringMatching(/^noise\.bin is not DICOM: .*DICM/),
    });
    expect(refusal(() => instanceFromBytes(new Uint8Array(0), 'empty.dcm')).message).toMatch(/empty/);
    garbage.set([0x44, 0x49, 0x43, 0x4d], 128); // a DICM marker followed by noise
    expect(refusal(() => instanceFromBytes(garbage, 'fake.dcm'))).toMatchObject({
      code: 'dicom.not-dicom',
      message: expect.stringMatching(/fake\.dcm looks like DICOM but could not be parsed/),
    });
  });

  it('a truncated file is refused, never half-read', () => {
    expect(refusal(() => instanceFromBytes(bytes.subarray(0, 100_000), 'cut.dcm'))).toMatchObject({
      code: 'dicom.not-dicom',
      message: expect.stringMatching(/cut\.dcm .*truncated or damaged/),
    });
    expect(refusal(() => instanceFromBytes(bytes.subarray(0, 1000), 'cut.dcm'))).toMatchObject({
      code: 'dicom.no-pixel-data',
      message: expect.stringMatching(/probably truncated/),
    });
  });

  it('a missing required tag is named with its keyword and (gggg,eeee)', () => {
    const elements = ctElements().filter(([tag]) => tag !== 0x0020000e);
    const e = refusal(() => instanceFromBytes(writeDicom({ elements, pixels: int16Bytes([1, 2, 3, 4, 5, 6]) }), '/a/b/no-series.dcm'));
    expect(e.code).toBe('dicom.missing-tag');
    expect(e.message).toBe('no-series.dcm has no SeriesInstanceUID (0020,000E), which Verdict needs.');
  });

  it('an undecodable transfer syntax is named by UID and name', () => {
    const file = writeDicom({
      transferSyntax: '1.2.840.10008.1.2.4.100',
      elements: ctElements(),
      fragments: [Uint8Array.from([0, 0, 1, 0xb3])],
    });
    const e = refusal(() => instanceFromBytes(file, 'video.dcm'));
    expect(e.code).toBe('dicom.unsupported-syntax');
    expect(e.message).toBe(
      'video.dcm uses transfer syntax 1.2.840.10008.1.2.4.100 (MPEG2 Main Profile / Main Level) which Verdict cannot decode.',
    );
    const unknown = writeDicom({ transferSyntax: '1.2.3.4.5', elements: ctElements(), fragments: [new Uint8Array(4)] });
    expect(refusal(() => instanceFromBytes(unknown, 'odd.dcm')).message).toMatch(
      /1\.2\.3\.4\.5 \(unknown transfer syntax\).*not a known transfer syntax/,
    );
    // Reading metadata only (no decoding wanted) still works.
    expect(instanceFromBytes(file, 'video.dcm', { requireDecodable: false }).transferSyntaxName).toBe('MPEG2 Main Profile / Main Level');
  });

  it('pixel data shorter than Rows × Columns is refused as truncated', () => {
    const file = writeDicom({ elements: ctElements({ rows: 4, columns: 4 }), pixels: int16Bytes([1, 2, 3, 4]) });
    expect(refusal(() => instanceFromBytes(file, 'short.dcm'))).toMatchObject({
      code: 'dicom.decode-failed',
      message: expect.stringMatching(/short\.dcm: pixel data is truncated/),
    });
  });

  it('reads a bare data set without preamble (implicit VR, old exports)', () => {
    const part10 = writeDicom({ transferSyntax: '1.2.840.10008.1.2', elements: ctElements(), pixels: int16Bytes([1, 2, 3, 4, 5, 6]) });
    const metaEnd = 132 + 12 + new DataView(part10.buffer).getUint32(140, true); // (0002,0000) value
    const inst = instanceFromBytes(part10.subarray(metaEnd), 'bare.dcm');
    expect(inst).toMatchObject({ rows: 2, columns: 3, transferSyntaxUid: '1.2.840.10008.1.2', rescaleIntercept: -1024 });
  });

  it('a file that cannot be read is reported as such', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verdict-dicom-'));
    await expect(readDicomInstance(join(dir, 'missing.dcm'))).rejects.toMatchObject({
      code: 'file.not-found',
      message: expect.stringContaining('ENOENT'),
    });
    writeFileSync(
      join(dir, 'ok.dcm'),
      writeDicom({ elements: withElements(ctElements(), [[0x00280030, 'DS', '0.7\\0.8']]), pixels: int16Bytes([0, 0, 0, 0, 0, 0]) }),
    );
    expect((await readDicomInstance(join(dir, 'ok.dcm'))).pixelSpacing).toEqual([0.7, 0.8]);
  });
});
