// The code of the codec worker thread, as plain JavaScript run with `eval: true`. It is a string
// rather than a file of its own so that it runs the same under tsx, vitest and the bundled
// Electron main process (none of which would have to locate or transpile a worker file), and it
// is kept tiny: it loads the Emscripten codecs named in workerData (absolute paths resolved by the
// main thread) and decodes one codestream per message.
//
// Message in:  { id, codec, encoded: Uint8Array, lenient }   or   { id, preload: true }
// Message out: { id, ok: true, pixels, info, nearLossless, interleaveMode, partial } | { id, ok: false, error }
// `lenient` keeps what the decoder produced when it stops early (a JPEG stream cut short):
// libjpeg-turbo reports the missing data but has filled the frame as far as the data went.
export const CODEC_WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const loading = new Map();
const load = (name) => {
  let p = loading.get(name);
  if (!p) {
    const spec = workerData.codecs[name];
    const factory = require(spec.js);
    p = factory({ wasmBinary: readFileSync(spec.wasm), print() {}, printErr() {} }).then((m) => {
      if (typeof m[spec.decoderClass] !== 'function') throw new Error(spec.js + ' has no ' + spec.decoderClass);
      return m[spec.decoderClass];
    });
    loading.set(name, p);
  }
  return p;
};
const bytesPerSample = (bits) => (bits <= 8 ? 1 : 2);
const decode = async ({ codec, encoded, lenient }) => {
  const Decoder = await load(codec);
  const decoder = new Decoder();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    let failure = null;
    try {
      decoder.decode();
    } catch (e) {
      failure = typeof e === 'number' ? codec + ' rejected the codestream' : codec + ': ' + String(e);
    }
    if (failure !== null && !lenient) return { ok: false, error: failure };
    const info = { ...decoder.getFrameInfo() };
    const out = decoder.getDecodedBuffer();
    const expected = info.width * info.height * info.componentCount * bytesPerSample(info.bitsPerSample);
    if (failure !== null && (expected === 0 || out.byteLength !== expected)) return { ok: false, error: failure };
    const pixels = new Uint8Array(out.byteLength);
    pixels.set(out);
    const nearLossless = typeof decoder.getNearLossless === 'function' ? decoder.getNearLossless() : 0;
    const interleaveMode = typeof decoder.getInterleaveMode === 'function' ? decoder.getInterleaveMode() : 2;
    return { ok: true, pixels, info, nearLossless, interleaveMode, partial: failure !== null };
  } finally {
    decoder.delete();
  }
};
parentPort.on('message', async (m) => {
  let reply;
  try {
    if (m.preload) {
      await Promise.all(Object.keys(workerData.codecs).map(load));
      reply = { ok: true };
    } else reply = await decode(m);
  } catch (e) {
    reply = { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort.postMessage({ id: m.id, ...reply }, reply.pixels ? [reply.pixels.buffer] : []);
});
`;
