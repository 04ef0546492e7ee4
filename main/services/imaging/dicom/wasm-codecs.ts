// The Cornerstone codec packages are Emscripten modules (CommonJS factories). They run in a worker
// thread of their own, one codestream at a time, under a time limit: a hostile JPEG-LS stream once
// kept CharLS busy for 14 s, and a WASM decode cannot be interrupted from inside its thread. Here
// the main thread stays free (IPC, the viewer) and a decode that runs too long is stopped by
// terminating the worker; the next decode starts a fresh one. We hand the codecs their .wasm
// bytes ourselves (so bundling the main process cannot break their file lookup).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { CODEC_WORKER_SOURCE } from './codec-worker-source';

const require = createRequire(import.meta.url);

export type CodecName = 'charls' | 'libjpeg-turbo' | 'openjpeg';

const SPEC: Record<CodecName, { js: string; wasm: string; decoderClass: string }> = {
  charls: { js: '@cornerstonejs/codec-charls/decodewasmjs', wasm: '@cornerstonejs/codec-charls/decodewasm', decoderClass: 'JpegLSDecoder' },
  'libjpeg-turbo': {
    js: '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs',
    wasm: '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm',
    decoderClass: 'JPEGDecoder',
  },
  openjpeg: {
    js: '@cornerstonejs/codec-openjpeg/decodewasmjs',
    wasm: '@cornerstonejs/codec-openjpeg/decodewasm',
    decoderClass: 'J2KDecoder',
  },
};

export type WasmFrameInfo = { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned?: boolean };
export type WasmDecoded = {
  pixels: Uint8Array;
  info: WasmFrameInfo;
  nearLossless: number;
  /** JPEG-LS interleave mode 0 (none) decodes to planar samples; 1 and 2 to interleaved. */
  interleaveMode: number;
  /** The decoder stopped early (only with `lenient`): the frame holds what the data gave. */
  partial: boolean;
};

export type DecodeOptions = { lenient?: boolean; timeLimitMs?: number };

/** Generous for real images (a 512×512 CT slice decodes in ~10–40 ms), yet well under the 10 s that reads as a hang. */
export const decodeTimeLimitMs = (pixels: number): number => limitOverride ?? Math.round(2000 + pixels / 1000);

let limitOverride: number | undefined;
/** Tests shorten the limit to see a decode stopped; undefined restores the default. */
export const setDecodeTimeLimitForTest = (ms: number | undefined): void => {
  limitOverride = ms;
};

type Reply = { id: number; ok: boolean; error?: string } & Partial<WasmDecoded>;
type Job = {
  message: { codec?: CodecName; encoded?: Uint8Array; lenient?: boolean; preload?: true };
  limitMs: number;
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
};

let worker: Worker | null = null;
let running: (Job & { id: number; timer: NodeJS.Timeout }) | null = null;
const queue: Job[] = [];
let nextId = 1;

const codecPaths = () =>
  Object.fromEntries(
    Object.entries(SPEC).map(([name, s]) => [
      name,
      { js: require.resolve(s.js), wasm: require.resolve(s.wasm), decoderClass: s.decoderClass },
    ]),
  );

const finish = (): Job & { id: number; timer: NodeJS.Timeout } => {
  const job = running!;
  clearTimeout(job.timer);
  running = null;
  return job;
};

/** Drop the worker (its WASM memory goes with it); the next job starts a fresh one. */
const discardWorker = (): void => {
  const w = worker;
  worker = null;
  if (w) {
    w.removeAllListeners();
    w.on('error', () => {}); // a late error from a terminated worker is of no interest
    void w.terminate();
  }
};

const startWorker = (): Worker => {
  const w = new Worker(CODEC_WORKER_SOURCE, { eval: true, workerData: { codecs: codecPaths() } });
  w.on('message', (reply: Reply) => {
    if (!running || reply.id !== running.id) return;
    finish().resolve(reply);
    pump();
  });
  const died = (why: string) => {
    discardWorker();
    if (running) finish().reject(new Error(why));
    pump();
  };
  w.on('error', (e) => died(`the decoder crashed (${e.message})`));
  w.on('exit', (code) => died(`the decoder thread stopped (exit code ${code})`));
  w.unref(); // an idle codec worker must not keep a CLI or a test run alive (after the listeners, which ref it)
  return w;
};

const pump = (): void => {
  if (running || queue.length === 0) return;
  const job = queue.shift()!;
  worker ??= startWorker();
  const id = nextId++;
  const timer = setTimeout(() => {
    discardWorker();
    const limit = job.limitMs < 1000 ? `${job.limitMs} ms` : `${(job.limitMs / 1000).toFixed(1)} s`;
    finish().reject(new Error(`the decoder took longer than ${limit} and was stopped`));
    pump();
  }, job.limitMs);
  running = { ...job, id, timer };
  // A copy of just the codestream (often a view into the whole file) is moved to the worker; not
  // .slice(), which gives a Buffer a view of the same memory, and the transfer would detach it.
  const source = job.message.encoded;
  const encoded = source ? new Uint8Array(source.length) : undefined;
  if (source) encoded!.set(source);
  worker.postMessage({ id, ...job.message, encoded }, encoded ? [encoded.buffer] : []);
};

const submit = (message: Job['message'], limitMs: number): Promise<Reply> =>
  new Promise((resolve, reject) => {
    queue.push({ message, limitMs, resolve, reject });
    pump();
  });

/**
 * Run one WASM decode in the codec worker. Emscripten C++ exceptions arrive as bare numbers, so
 * the error text says which codec failed rather than echoing a pointer.
 */
export const runWasmDecode = async (name: CodecName, encoded: Uint8Array, options: DecodeOptions = {}): Promise<WasmDecoded> => {
  const reply = await submit({ codec: name, encoded, lenient: options.lenient ?? false }, options.timeLimitMs ?? decodeTimeLimitMs(0));
  if (!reply.ok) throw new Error(reply.error ?? `${name} failed`);
  return {
    pixels: reply.pixels!,
    info: reply.info!,
    nearLossless: reply.nearLossless ?? 0,
    interleaveMode: reply.interleaveMode ?? 2,
    partial: reply.partial ?? false,
  };
};

/** Start the codec worker and load every codec now, so that the first compressed slice does not wait for them. */
export const preloadCodecs = async (): Promise<void> => {
  const reply = await submit({ preload: true }, 30_000);
  if (!reply.ok) throw new Error(reply.error ?? 'the codecs could not be loaded');
};
