// One encapsulated frame → native little-endian bytes, by the decoder the registry names.
import { Decoder as JpegLosslessDecoder } from '@cornerstonejs/jpeg-lossless-decoder-js';
import { interleavePlanar } from './colour';
import { endsWithEoi, withColourDecided } from './jpeg-colour';
import { isJp2File, j2kImageSize, jpegFrameHeader } from './jpeg-header';
import { decodeRleFrame } from './rle-decoder';
import type { PixelDecoder } from './transfer-syntax';
import { decodeTimeLimitMs, runWasmDecode } from './wasm-codecs';

export type FrameShape = {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  photometricInterpretation: string;
};

export type RawFrame = {
  /** Little-endian samples, interleaved by pixel for colour. */
  bytes: Uint8Array;
  bytesPerSample: 1 | 2;
  components: number;
  /** The codec already turned YCbCr into RGB where needed (libjpeg, for 3-component JPEG; see jpeg-colour.ts). */
  rgb: boolean;
  /** JPEG-LS NEAR parameter (0 = lossless); 0 for other codecs. */
  nearLossless: number;
  /** The bytes are a private copy (codec output), free to view or convert in place. */
  owned: boolean;
};

const check = (shape: FrameShape, width: number, height: number, components: number): void => {
  if (width !== shape.columns || height !== shape.rows || components !== shape.samplesPerPixel) {
    throw new Error(
      `the codestream is ${width}×${height}×${components} but the header says ${shape.columns}×${shape.rows}×${shape.samplesPerPixel}`,
    );
  }
};

const toBytesPerSample = (bits: number): 1 | 2 => {
  if (bits <= 8) return 1;
  if (bits <= 16) return 2;
  throw new Error(`${bits}-bit samples are not supported`);
};

/**
 * Refuse a codestream whose own header disagrees with the data set before any decoder sees it:
 * a decoder would allocate (and spend time) for whatever size the stream claims.
 */
const checkHeader = (shape: FrameShape, size: { rows: number; columns: number; components: number } | null, kind: string): void => {
  if (!size) throw new Error(`the frame does not start with a ${kind} header`);
  check(shape, size.columns, size.rows, size.components);
};

const limitFor = (shape: FrameShape) => ({ timeLimitMs: decodeTimeLimitMs(shape.rows * shape.columns * shape.samplesPerPixel) });

const jpeg8 = async (encoded: Uint8Array, shape: FrameShape): Promise<RawFrame> => {
  const sof = jpegFrameHeader(encoded);
  if (!sof || sof.precision !== 8)
    throw new Error(`the JPEG stream is ${sof ? `${sof.precision}-bit` : 'unreadable'}; only 8-bit JPEG is supported`);
  checkHeader(shape, sof, 'JPEG frame');
  // A stream without its end marker was cut short: show what it holds, as other viewers do.
  const stream = shape.samplesPerPixel === 3 ? withColourDecided(encoded, shape.photometricInterpretation) : encoded;
  const { pixels, info } = await runWasmDecode('libjpeg-turbo', stream, { lenient: !endsWithEoi(encoded), ...limitFor(shape) });
  check(shape, info.width, info.height, info.componentCount);
  return {
    bytes: pixels,
    bytesPerSample: 1,
    components: info.componentCount,
    rgb: info.componentCount === 3,
    nearLossless: 0,
    owned: true,
  };
};

const jpegLossless = (encoded: Uint8Array, shape: FrameShape): RawFrame => {
  const sof = jpegFrameHeader(encoded);
  checkHeader(shape, sof?.process === 'lossless' ? sof : null, 'lossless JPEG frame');
  const bytesPerSample = toBytesPerSample(shape.bitsAllocated);
  const buffer = encoded.buffer.slice(encoded.byteOffset, encoded.byteOffset + encoded.byteLength) as ArrayBuffer;
  const out = new JpegLosslessDecoder().decode(buffer, 0, buffer.byteLength, bytesPerSample);
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  if (bytes.length !== shape.rows * shape.columns * shape.samplesPerPixel * bytesPerSample) {
    throw new Error(`the lossless JPEG decoder returned ${bytes.length} bytes for a ${shape.columns}×${shape.rows} frame`);
  }
  return { bytes, bytesPerSample, components: shape.samplesPerPixel, rgb: false, nearLossless: 0, owned: true };
};

const jpegLs = async (encoded: Uint8Array, shape: FrameShape): Promise<RawFrame> => {
  const sof = jpegFrameHeader(encoded);
  checkHeader(shape, sof?.process === 'jpeg-ls' ? sof : null, 'JPEG-LS frame');
  // CharLS cannot decode a stream cut short, and can spin for seconds before it says so.
  if (!endsWithEoi(encoded)) throw new Error('the JPEG-LS stream ends without its end-of-image marker: it was cut short');
  const { pixels, info, nearLossless, interleaveMode } = await runWasmDecode('charls', encoded, limitFor(shape));
  check(shape, info.width, info.height, info.componentCount);
  const planar = info.componentCount === 3 && interleaveMode === 0;
  const bytesPerSample = toBytesPerSample(info.bitsPerSample);
  return {
    bytes: planar ? interleavePlanar(pixels, shape.rows * shape.columns, bytesPerSample) : pixels,
    bytesPerSample,
    components: info.componentCount,
    rgb: false,
    nearLossless,
    owned: true,
  };
};

const jpeg2000 = async (encoded: Uint8Array, shape: FrameShape): Promise<RawFrame> => {
  if (!isJp2File(encoded)) checkHeader(shape, j2kImageSize(encoded), 'JPEG 2000 codestream');
  const { pixels, info } = await runWasmDecode('openjpeg', encoded, limitFor(shape));
  check(shape, info.width, info.height, info.componentCount);
  // OpenJPEG applies the inverse component transform itself (YBR_ICT / YBR_RCT come out as RGB).
  return {
    bytes: pixels,
    bytesPerSample: toBytesPerSample(info.bitsPerSample),
    components: info.componentCount,
    rgb: info.componentCount === 3,
    nearLossless: 0,
    owned: true,
  };
};

const rle = (encoded: Uint8Array, shape: FrameShape): RawFrame => ({
  bytes: decodeRleFrame(encoded, shape, true),
  bytesPerSample: toBytesPerSample(shape.bitsAllocated),
  components: shape.samplesPerPixel,
  rgb: false,
  nearLossless: 0,
  owned: true,
});

export const decodeCompressed = async (
  decoder: Exclude<PixelDecoder, 'native' | null>,
  encoded: Uint8Array,
  shape: FrameShape,
): Promise<RawFrame> => {
  switch (decoder) {
    case 'rle':
      return rle(encoded, shape);
    case 'jpeg-8bit':
      return jpeg8(encoded, shape);
    case 'jpeg-lossless':
      return jpegLossless(encoded, shape);
    case 'jpeg-ls':
      return jpegLs(encoded, shape);
    case 'jpeg-2000':
      return jpeg2000(encoded, shape);
  }
};
