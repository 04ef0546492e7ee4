// One frame of an opened file → DecodedFrame: stored values for monochrome, RGB for colour
// (YBR, planar and palette colour are converted here so the viewer sees only two kinds).
import { readFile } from 'node:fs/promises';
import { VerdictError } from '../../../../app/errors';
import { colour16To8, interleavePlanar, paletteToRgb, ybr422ToRgb, ybrFullToRgbInPlace } from './colour';
import { decodeCompressed, type RawFrame } from './decode-compressed';
import { decodeFailed, unsupportedSyntax } from './dicom-errors';
import { encapsulatedFrame, nativeFrameBytes } from './frame-bytes';
import { openDicom, type OpenedDicom } from './open-dataset';
import { assertDecodable, instanceFromDataSet } from './read-header';
import { monoFromBytes, monoFromCodec16 } from './stored-values';
import type { DecodedFrame, DicomInstance, MonoPixels } from './types';

export type FrameSource = { opened: OpenedDicom; instance: DicomInstance };

const MONO = new Set(['MONOCHROME1', 'MONOCHROME2']);
const COLOUR = new Set(['RGB', 'YBR_FULL', 'YBR_FULL_422', 'YBR_ICT', 'YBR_RCT', 'YBR_PARTIAL_420', 'YBR_PARTIAL_422']);

/** Native frame bytes as the codecs would return them: little endian (unless big-endian syntax), interleaved. */
const nativeRaw = (src: FrameSource, frame: number): RawFrame => {
  const inst = src.instance;
  if (inst.bitsAllocated !== 8 && inst.bitsAllocated !== 16)
    throw new Error(`${inst.bitsAllocated}-bit samples are not supported (8 or 16 only)`);
  const bytes = nativeFrameBytes(src.opened, inst, frame);
  const planar = inst.samplesPerPixel === 3 && inst.planarConfiguration === 1 && !inst.photometricInterpretation.endsWith('_422');
  return {
    bytes: planar ? interleavePlanar(bytes, inst.rows * inst.columns, inst.bitsAllocated === 8 ? 1 : 2) : bytes,
    bytesPerSample: inst.bitsAllocated === 8 ? 1 : 2,
    components: inst.samplesPerPixel,
    rgb: false,
    nearLossless: 0,
    owned: planar,
  };
};

const monoPixels = (raw: RawFrame, inst: DicomInstance, bigEndian: boolean): MonoPixels => {
  const layout = { bitsAllocated: raw.bytesPerSample * 8, bitsStored: inst.bitsStored, pixelRepresentation: inst.pixelRepresentation };
  // Codec output is a private copy: view it. File bytes are shared and maybe unaligned: copy.
  if (raw.owned && raw.bytesPerSample === 2 && !bigEndian) return monoFromCodec16(raw.bytes, layout);
  return monoFromBytes(raw.bytes, inst.rows * inst.columns, layout, bigEndian);
};

/** 16-bit colour is shown scaled to 8 bits (the display has 8 bits per channel); 8-bit passes as it is. */
const eightBitColour = (raw: RawFrame, inst: DicomInstance, bigEndian: boolean): RawFrame =>
  raw.bytesPerSample === 1 ? raw : { ...raw, bytes: colour16To8(raw.bytes, inst.bitsStored, bigEndian), bytesPerSample: 1, owned: true };

const colourPixels = (wide: RawFrame, inst: DicomInstance, bigEndian: boolean): Uint8Array => {
  const pi = inst.photometricInterpretation;
  const raw = eightBitColour(wide, inst, bigEndian);
  if (raw.rgb || pi === 'RGB' || pi === 'YBR_ICT' || pi === 'YBR_RCT') return raw.owned ? raw.bytes : raw.bytes.slice();
  // Uncompressed 4:2:2 keeps two bytes per pixel; a codec has already upsampled its output.
  if (pi === 'YBR_FULL_422' && raw.bytes.length === inst.rows * inst.columns * 2) return ybr422ToRgb(raw.bytes, inst.rows, inst.columns);
  if (pi === 'YBR_FULL' || pi === 'YBR_FULL_422') return ybrFullToRgbInPlace(raw.owned ? raw.bytes : raw.bytes.slice());
  throw new Error(`photometric interpretation ${pi} is not supported for this transfer syntax`);
};

export const decodeFrame = async (src: FrameSource, frame: number): Promise<DecodedFrame> => {
  const inst = src.instance;
  const syntax = src.opened.syntax;
  if (!syntax || syntax.decoder === null) throw unsupportedSyntax(inst, syntax ? '' : 'the UID is not a known transfer syntax');
  const pi = inst.photometricInterpretation;
  const base = { rows: inst.rows, columns: inst.columns };
  try {
    const decoder = syntax.decoder;
    const native = decoder === 'native';
    const raw =
      decoder === 'native' ? nativeRaw(src, frame) : await decodeCompressed(decoder, encapsulatedFrame(src.opened, inst, frame), inst);
    const bigEndian = native && syntax.bigEndian;
    const lossy = syntax.decoder === 'jpeg-ls' ? raw.nearLossless > 0 : syntax.lossy;
    if (raw.components === 1 && MONO.has(pi)) {
      return { kind: 'mono', ...base, photometric: pi as 'MONOCHROME1' | 'MONOCHROME2', pixels: monoPixels(raw, inst, bigEndian), lossy };
    }
    if (raw.components === 1 && pi === 'PALETTE COLOR') {
      const pixels = paletteToRgb(src.opened.dataSet, monoPixels(raw, inst, bigEndian));
      return { kind: 'rgb', ...base, photometric: 'RGB', pixels, lossy };
    }
    if (raw.components === 3 && COLOUR.has(pi)) {
      return { kind: 'rgb', ...base, photometric: 'RGB', pixels: colourPixels(raw, inst, bigEndian), lossy };
    }
    throw new Error(`${raw.components}-sample ${pi} images are not supported`);
  } catch (e) {
    if (e instanceof VerdictError) throw e;
    throw decodeFailed(inst, frame, e instanceof Error ? e.message : String(e));
  }
};

/** Open bytes once and decode the given frames (all when omitted). */
export const decodeFramesFromBytes = async (bytes: Uint8Array, path: string, frames?: number[]): Promise<DecodedFrame[]> => {
  const opened = openDicom(bytes, path);
  const instance = instanceFromDataSet(opened, path, '');
  assertDecodable(opened, instance); // refuses unsupported syntaxes (and 12-bit JPEG) by name
  const wanted = frames ?? Array.from({ length: instance.numberOfFrames }, (_, i) => i);
  const out: DecodedFrame[] = [];
  for (const f of wanted) out.push(await decodeFrame({ opened, instance }, f));
  return out;
};

export const decodeFrames = async (path: string, frames?: number[]): Promise<DecodedFrame[]> => {
  const bytes = await readFile(path).catch((e: NodeJS.ErrnoException) => {
    throw new VerdictError('file.not-found', `${path} could not be read (${e.code ?? e.message}).`, { path });
  });
  return decodeFramesFromBytes(bytes, path, frames);
};
