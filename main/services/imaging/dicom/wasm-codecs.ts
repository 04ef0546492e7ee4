// The Cornerstone codec packages are Emscripten modules (CommonJS factories). We load the
// decode-only WASM builds, hand them the .wasm bytes ourselves (so bundling the main process
// cannot break their file lookup) and initialise each one once, on first use.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The decoder classes all share this surface (see the packages' src/*Decoder.hpp). */
export type WasmDecoder = {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned?: boolean };
  getNearLossless?(): number;
  getInterleaveMode?(): number;
  delete(): void;
};

type DecoderClass = new () => WasmDecoder;
export type CodecName = 'charls' | 'libjpeg-turbo' | 'openjpeg';

const SPEC: Record<CodecName, { js: string; wasm: string; decoderClass: string }> = {
  charls: { js: '@cornerstonejs/codec-charls/decodewasmjs', wasm: '@cornerstonejs/codec-charls/decodewasm', decoderClass: 'JpegLSDecoder' },
  'libjpeg-turbo': {
    js: '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs',
    wasm: '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm',
    decoderClass: 'JPEGDecoder',
  },
  openjpeg: { js: '@cornerstonejs/codec-openjpeg/decodewasmjs', wasm: '@cornerstonejs/codec-openjpeg/decodewasm', decoderClass: 'J2KDecoder' },
};

const loading = new Map<CodecName, Promise<DecoderClass>>();

const load = async (name: CodecName): Promise<DecoderClass> => {
  const spec = SPEC[name];
  const factory = require(spec.js) as (m: object) => Promise<Record<string, unknown>>;
  const wasmBinary = readFileSync(require.resolve(spec.wasm));
  // OpenJPEG prints progress ("[INFO] ...") through print; a service must stay quiet.
  const module = await factory({ wasmBinary, print: () => {}, printErr: () => {} });
  const cls = module[spec.decoderClass];
  if (typeof cls !== 'function') throw new Error(`${spec.js} has no ${spec.decoderClass}`);
  return cls as DecoderClass;
};

/** The decoder class of a codec, loading its WASM on first call (≈10 ms each). */
export const codecDecoder = (name: CodecName): Promise<DecoderClass> => {
  let p = loading.get(name);
  if (!p) {
    p = load(name);
    p.catch(() => loading.delete(name)); // a failed load may be retried
    loading.set(name, p);
  }
  return p;
};

/**
 * Run one WASM decode. The returned pixels are a copy: the decoder's buffer lives in WASM memory
 * and is freed with the decoder. Emscripten C++ exceptions arrive as bare numbers, so the error
 * text says which codec failed rather than echoing a pointer.
 */
export const runWasmDecode = async (name: CodecName, encoded: Uint8Array) => {
  const Decoder = await codecDecoder(name);
  const decoder = new Decoder();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    try {
      decoder.decode();
    } catch (e) {
      throw new Error(typeof e === 'number' ? `${name} rejected the codestream` : `${name}: ${String(e)}`);
    }
    const info = decoder.getFrameInfo();
    const out = decoder.getDecodedBuffer();
    const pixels = new Uint8Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength));
    const nearLossless = decoder.getNearLossless?.() ?? 0;
    // JPEG-LS interleave mode 0 (none) decodes to planar samples; 1 and 2 to interleaved.
    const interleaveMode = decoder.getInterleaveMode?.() ?? 2;
    return { pixels, info: { ...info }, nearLossless, interleaveMode };
  } finally {
    decoder.delete();
  }
};

/** Load every codec now (e.g. at start-up) so that the first compressed slice does not wait ~10–90 ms for it. */
export const preloadCodecs = async (): Promise<void> => {
  await Promise.all((Object.keys(SPEC) as CodecName[]).map(codecDecoder));
};
