import { readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VerdictError, type ErrorCode } from '../../../../app/errors';
import { decodeFrames } from './decode-frame';
import { toHu } from './hu';
import { readDicomInstance } from './read-header';
import { CONFORMANCE } from './test-fixtures';
import { transferSyntaxName } from './transfer-syntax';
import type { DecodedFrame } from './types';

// Every file under shared/data/dicom-conformance, with what must happen to it. Known answers
// (`pydicom`) were computed once with Debian's pydicom 2.3.1 + numpy (+ Pillow's OpenJPEG and
// libjpeg for the JPEG 2000 / baseline files), e.g.
//   ds = pydicom.dcmread(f); a = ds.pixel_array.astype('int64'); a.sum(), a.min(), a.max()
// for colour: pydicom's convert_color_space(a, 'YBR_FULL', 'RGB') / apply_color_lut(a, ds) and
// per-channel sums (the 16-bit palette entries >> 8, as Verdict returns 8-bit RGB).
// Lossless encodings must equal their uncompressed reference exactly; lossy ones must stay
// within the stated error, measured against the same reference.

type Known = { sum: number; min?: number; max?: number; frameSums?: number[]; channelSums?: number[] };
type Expectation =
  | { pydicom: Known }
  | { equals: string }
  | { near: string; on: 'stored' | 'hu'; maxMeanAbs: number; maxAbs: number }
  | { refused: ErrorCode; says: RegExp };

const CT = 'cornerstone-loader/CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm';
const CT1 = 'dicom-parser/CT1_UNC.explicit_little_endian.dcm';
const CT0012 = 'dicom-parser/encapsulated/multi-frame/CT0012.explicit_little_endian.dcm';
const IM00001 = 'dicom-parser/encapsulated/multi-frame/IM00001.implicit_little_endian.dcm';
const CS = 'cornerstone-loader/CTImage.dcm_';
const MF = 'dicom-parser/encapsulated/multi-frame/';
const SF = 'dicom-parser/encapsulated/single-frame/';
const TWELVE_BIT = /12-bit .*libjpeg-turbo/;

const CASES: Record<string, Expectation> = {
  [CT]: { pydicom: { sum: 19640763, min: -2000, max: 2402 } },
  'cornerstone-loader/CTImage.dcm': { equals: CT },
  [`${CS}LittleEndianImplicitTransferSyntax_1.2.840.10008.1.2.dcm`]: { equals: CT },
  [`${CS}BigEndianExplicitTransferSyntax_1.2.840.10008.1.2.2.dcm`]: { equals: CT },
  [`${CS}DeflatedExplicitVRLittleEndianTransferSyntax_1.2.840.10008.1.2.1.99.dcm`]: { equals: CT },
  [`${CS}RLELosslessTransferSyntax_1.2.840.10008.1.2.5.dcm`]: { equals: CT },
  [`${CS}JPEGProcess14TransferSyntax_1.2.840.10008.1.2.4.57.dcm`]: { equals: CT },
  [`${CS}JPEGProcess14SV1TransferSyntax_1.2.840.10008.1.2.4.70.dcm`]: { equals: CT },
  [`${CS}JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80.dcm`]: { equals: CT },
  [`${CS}JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90.dcm`]: { equals: CT },
  // Near-lossless JPEG-LS: every value within NEAR (here 1) of the original.
  [`${CS}JPEGLSLossyTransferSyntax_1.2.840.10008.1.2.4.81.dcm`]: { near: CT, on: 'stored', maxMeanAbs: 1, maxAbs: 1 },
  // Lossy JPEG 2000: mean error under 1 HU over a 4402 HU range (measured 0.57, worst pixel 5).
  [`${CS}JPEG2000TransferSyntax_1.2.840.10008.1.2.4.91.dcm`]: { near: CT, on: 'stored', maxMeanAbs: 1, maxAbs: 8 },
  // 8-bit JPEG of a CT re-scaled to slope 32.12: compared in HU; one 8-bit step is 32 HU
  // (measured mean 19.7 HU, worst 64 HU, i.e. 0.45% and 1.5% of the 4402 HU range).
  [`${CS}JPEGProcess1TransferSyntax_1.2.840.10008.1.2.4.50.dcm`]: { near: CT, on: 'hu', maxMeanAbs: 32, maxAbs: 96 },
  [`${CS}JPEGProcess2_4TransferSyntax_1.2.840.10008.1.2.4.51.dcm`]: { refused: 'dicom.unsupported-syntax', says: TWELVE_BIT },
  [`${CS}JPEGProcess6_8TransferSyntax_1.2.840.10008.1.2.4.53.dcm`]: { refused: 'dicom.unsupported-syntax', says: TWELVE_BIT },
  [`${CS}JPEGProcess10_12TransferSyntax_1.2.840.10008.1.2.4.55.dcm`]: { refused: 'dicom.unsupported-syntax', says: TWELVE_BIT },
  'cornerstone-loader/CT0012.fragmented_no_bot_jpeg_baseline.51.dcm': { refused: 'dicom.unsupported-syntax', says: TWELVE_BIT },
  'cornerstone-loader/CT1_J2KR': { equals: CT1 },
  'cornerstone-loader/CT2_J2KR': { pydicom: { sum: -197733355, min: -2048, max: 1433 } },
  'cornerstone-loader/US-YBR_FULL_422-EVRLE.dcm': { pydicom: { sum: 20845333, channelSums: [6894193, 6954989, 6996151] } },
  'cornerstone-loader/no-pixel-spacing.dcm': { pydicom: { sum: 8398754, channelSums: [2156385, 2747788, 3494581] } },
  'cornerstone-loader/no-pixel-data.dcm': { refused: 'dicom.no-pixel-data', says: /no pixel data .*modality SR/ },
  'cornerstone-loader/wadors/CTImageEvenAligned.dat': { refused: 'dicom.not-dicom', says: /multipart/ },
  'cornerstone-loader/wadors/CTImageOddAligned.dat': { refused: 'dicom.not-dicom', says: /multipart/ },
  'cornerstone-loader/wadors/metadata': { refused: 'dicom.not-dicom', says: /JSON/ },
  [CT1]: { pydicom: { sum: 40028413, min: -2000, max: 2278 } },
  'dicom-parser/CT1_UNC.explicit_big_endian.dcm': { equals: CT1 },
  'dicom-parser/CT1_UNC.implicit_little_endian.dcm': { equals: CT1 },
  [`${SF}CT1_UNC.explicit_little_endian.dcm`]: { equals: CT1 },
  [`${SF}CT1_UNC.fragmented_bot_jpeg_ls.80.dcm`]: { equals: CT1 },
  [`${SF}CT1_UNC.fragmented_no_bot_jpeg_ls.80.dcm`]: { equals: CT1 },
  [`${SF}CT1_UNC.not_fragmented_bot_jpeg_ls.80.dcm`]: { equals: CT1 },
  [`${SF}CT1_UNC.not_fragmented_no_bot_jpeg_ls.80.dcm`]: { equals: CT1 },
  [`${SF}README.md`]: { refused: 'dicom.not-dicom', says: /DICM/ },
  [CT0012]: { pydicom: { sum: 199249408, min: 0, max: 1196, frameSums: [100826003, 98423405] } },
  [`${MF}CT0012.fragmented_no_bot_jpeg_baseline.51.dcm`]: { refused: 'dicom.unsupported-syntax', says: TWELVE_BIT },
  [`${MF}CT0012.fragmented_no_bot_jpeg_lossless.57.dcm`]: { equals: CT0012 },
  [`${MF}CT0012.fragmented_no_bot_jpeg_lossless.70.dcm`]: { equals: CT0012 },
  [`${MF}CT0012.fragmented_no_bot_jpeg_ls.80.dcm`]: { equals: CT0012 },
  [`${MF}CT0012.not_fragmented_bot_jpeg_ls.80.dcm`]: { equals: CT0012 },
  [`${MF}CT0012.not_fragmented_no_bot_jpeg_ls.80.dcm`]: { equals: CT0012 },
  [`${MF}CT0012.not_fragmented_bot_rle.dcm`]: { equals: CT0012 },
  [`${MF}CT0012.not_fragmented_no_bot_rle.dcm`]: { equals: CT0012 },
  [`${MF}CT0012.fragmented_no_bot_jpeg_ls.81.dcm`]: { near: CT0012, on: 'stored', maxMeanAbs: 1, maxAbs: 2 },
  [IM00001]: { pydicom: { sum: 94603591, channelSums: [4035341, 4371035, 4446142] } },
  // Lossy YBR_FULL JPEG of the RGB reference, 8 frames: mean error under 1.5% of 255 (measured ~2.3).
  [`${MF}IM00001.fragmented_no_bot_jpeg_baseline.50.dcm`]: { near: IM00001, on: 'stored', maxMeanAbs: 4, maxAbs: 48 },
  [`${MF}README.md`]: { refused: 'dicom.not-dicom', says: /DICM/ },
  'dicom-parser/deflate/image_dfl': { pydicom: { sum: 33322688, min: 0, max: 255 } },
  // The deflated report and waveform inflate and parse (their modality is read) but hold no image.
  'dicom-parser/deflate/report_dfl': { refused: 'dicom.no-pixel-data', says: /modality SR/ },
  'dicom-parser/deflate/wave_dfl': { refused: 'dicom.no-pixel-data', says: /modality ECG/ },
  'dicom-parser/deflate/README.md': { refused: 'dicom.not-dicom', says: /too short/ },
};

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));

const path = (rel: string): string => join(CONFORMANCE, rel);

const sum = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
};
const min = (a: ArrayLike<number>): number => {
  let m = Infinity;
  for (let i = 0; i < a.length; i++) m = Math.min(m, a[i]);
  return m;
};
const max = (a: ArrayLike<number>): number => -min(Array.from(a, (v) => -v));

/** Values to compare: stored samples, or HU using each file's own rescale. */
const values = async (rel: string, on: 'stored' | 'hu'): Promise<ArrayLike<number>[]> => {
  const frames = await decodeFrames(path(rel));
  if (on === 'stored') return frames.map((f) => f.pixels);
  const inst = await readDicomInstance(path(rel));
  return frames.map((f) => toHu(f.pixels as Int16Array, inst.rescaleSlope, inst.rescaleIntercept));
};

const refusal = async (rel: string): Promise<VerdictError> => {
  try {
    await decodeFrames(path(rel));
  } catch (e) {
    if (e instanceof VerdictError) return e;
    throw e;
  }
  throw new Error(`${rel} decoded but should have been refused`);
};

describe('dicom-conformance files', () => {
  it('every file in the folder has an expectation (new files must be classified)', () => {
    const files = walk(CONFORMANCE)
      .map((f) => relative(CONFORMANCE, f))
      .sort();
    expect(files).toEqual(Object.keys(CASES).sort());
  });

  for (const [rel, want] of Object.entries(CASES)) {
    if ('pydicom' in want) {
      it(`${rel} decodes to pydicom's values`, async () => {
        const frames: DecodedFrame[] = await decodeFrames(path(rel));
        const all = frames.map((f) => sum(f.pixels));
        expect(all.reduce((a, b) => a + b, 0)).toBe(want.pydicom.sum);
        if (want.pydicom.frameSums) expect(all).toEqual(want.pydicom.frameSums);
        const px = frames[0].pixels;
        if (want.pydicom.min !== undefined) expect(min(px)).toBe(want.pydicom.min);
        if (want.pydicom.max !== undefined) expect(max(px)).toBe(want.pydicom.max);
        if (want.pydicom.channelSums) {
          expect(frames[0].kind).toBe('rgb');
          const ch = [0, 1, 2].map((c) => sum(px.filter((_, i) => i % 3 === c)));
          expect(ch).toEqual(want.pydicom.channelSums);
        }
      });
    } else if ('equals' in want) {
      it(`${rel} equals ${basename(want.equals)} exactly (lossless)`, async () => {
        const [got, ref] = await Promise.all([decodeFrames(path(rel)), decodeFrames(path(want.equals))]);
        expect(got.length).toBe(ref.length);
        got.forEach((f, i) => {
          expect(f.lossy).toBe(false);
          expect(f.kind).toBe(ref[i].kind);
          expect(sum(f.pixels)).toBe(sum(ref[i].pixels)); // a readable failure first …
          expect(
            Buffer.from(f.pixels.buffer, f.pixels.byteOffset, f.pixels.byteLength).equals(
              Buffer.from(ref[i].pixels.buffer, ref[i].pixels.byteOffset, ref[i].pixels.byteLength),
            ),
          ).toBe(true); // … then every pixel
        });
      });
    } else if ('near' in want) {
      it(`${rel} is within mean ${want.maxMeanAbs} / max ${want.maxAbs} of ${basename(want.near)} (${want.on}, lossy)`, async () => {
        const [got, ref] = await Promise.all([values(rel, want.on), values(want.near, want.on)]);
        expect((await decodeFrames(path(rel)))[0].lossy).toBe(true);
        expect(got.length).toBe(ref.length);
        got.forEach((g, f) => {
          let total = 0;
          let worst = 0;
          for (let i = 0; i < g.length; i++) {
            const d = Math.abs(g[i] - ref[f][i]);
            total += d;
            worst = Math.max(worst, d);
          }
          expect(total / g.length).toBeLessThanOrEqual(want.maxMeanAbs);
          expect(worst).toBeLessThanOrEqual(want.maxAbs);
        });
      });
    } else {
      it(`${rel} is refused with ${want.refused}, naming the file`, async () => {
        const e = await refusal(rel);
        expect(e.code).toBe(want.refused);
        expect(e.message).toContain(basename(rel));
        expect(e.message).toMatch(want.says);
        if (want.refused === 'dicom.unsupported-syntax') {
          const inst = await readDicomInstance(path(rel), { requireDecodable: false });
          expect(e.message).toContain(`transfer syntax ${inst.transferSyntaxUid} (${transferSyntaxName(inst.transferSyntaxUid)})`);
          await expect(readDicomInstance(path(rel))).rejects.toMatchObject({ code: 'dicom.unsupported-syntax' });
        }
      });
    }
  }
});
