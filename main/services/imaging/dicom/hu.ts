// Stored values → modality values (HU for CT): round(stored × slope + intercept), saturated to
// the Int16 range. Arithmetic is float32 with ties to even, in the SIMD kernel and the JS
// fallback alike, so both give identical results; with slope 1 and an integer intercept (all
// LIDC CT) it is exact integer addition. Compared with float64 arithmetic, a non-unit slope can
// differ by 1 where the product lands within ~1e-4 of .5.
import { kernelsFor, simdAvailable, type HuKernels } from './hu-wasm';
import type { MonoPixels } from './types';

const f32 = Math.fround;

const roundHalfEven = (x: number): number => {
  const r = Math.round(x);
  return r - x === 0.5 && (r & 1) !== 0 ? r - 1 : r;
};

const sat16 = (v: number): number => (v < -32768 ? -32768 : v > 32767 ? 32767 : v);

/** The JS path for values [from, from + count); `src` and `out` may be views of the same memory. */
const rescaleJs = (src: MonoPixels, out: Int16Array, from: number, count: number, slope: number, intercept: number): void => {
  const end = from + count;
  if (slope === 1 && Number.isInteger(intercept)) {
    for (let i = from; i < end; i++) out[i] = sat16(src[i] + intercept);
    return;
  }
  const m = f32(slope);
  const b = f32(intercept);
  for (let i = from; i < end; i++) out[i] = sat16(roundHalfEven(f32(f32(src[i] * m) + b)));
};

/**
 * Rescale in place: `slot` holds stored 16-bit values (read as signed or unsigned) and receives
 * the Int16 result. With `kernels`, `slot` must be a view of `kernels.memory`.
 */
export const rescaleInPlace = (slot: Int16Array, kernels: HuKernels | null, signed: boolean, slope: number, intercept: number): void => {
  const count = slot.length;
  const src = signed ? slot : new Uint16Array(slot.buffer, slot.byteOffset, count);
  if (!kernels) {
    rescaleJs(src, slot, 0, count, slope, intercept);
    return;
  }
  const whole = count & ~7;
  const ptr = slot.byteOffset;
  if (signed && slope === 1 && Number.isInteger(intercept) && intercept >= -32768 && intercept <= 32767)
    kernels.addSatS16(ptr, whole * 2, intercept);
  else if (signed) kernels.scaleS16(ptr, whole * 2, slope, intercept);
  else kernels.scaleU16(ptr, whole * 2, slope, intercept);
  if (whole < count) rescaleJs(src, slot, whole, count - whole, slope, intercept);
};

let scratch: HuKernels | null | undefined;

/** Kernels over a scratch memory of at least `bytes` (grown on demand, reused across calls). */
const scratchKernels = (bytes: number): HuKernels | null => {
  if (scratch === undefined) scratch = simdAvailable() ? kernelsFor(new WebAssembly.Memory({ initial: 1 })) : null;
  if (!scratch) return null;
  const have = scratch.memory.buffer.byteLength;
  if (have < bytes) scratch.memory.grow(Math.ceil((bytes - have) / 65536));
  return scratch;
};

/** HU (or other modality values) for a monochrome frame; writes into `out` when given. */
export const toHu = (stored: MonoPixels, slope: number, intercept: number, out?: Int16Array): Int16Array => {
  const target = out ?? new Int16Array(stored.length);
  if (target.length < stored.length) throw new RangeError(`toHu: output holds ${target.length} values, needs ${stored.length}`);
  const k = simdAvailable() ? scratchKernels(stored.length * 2) : null;
  if (!k) {
    rescaleJs(stored, target, 0, stored.length, slope, intercept);
    return target;
  }
  const slot = new Int16Array(k.memory.buffer, 0, stored.length);
  slot.set(stored); // a Uint16Array keeps its bit patterns (ToInt16 wraps), read back unsigned below
  rescaleInPlace(slot, k, stored instanceof Int16Array, slope, intercept);
  target.set(slot);
  return target;
};

export type VolumeBuffer = { hu: Int16Array; kernels: HuKernels | null };

/**
 * Memory for a volume of `count` values. With SIMD it is a WebAssembly memory of its own, so
 * that file bytes are read straight into their slice and rescaled where they lie: no copies in
 * and out of a scratch area. The Int16Array is an ordinary view; its buffer cannot be
 * transferred (postMessage copies it instead) and may be longer than `count` values.
 */
export const allocVolumeBuffer = (count: number): VolumeBuffer => {
  const pages = Math.ceil((count * 2) / 65536);
  if (simdAvailable() && pages <= 32768) {
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    return { hu: new Int16Array(memory.buffer, 0, count), kernels: kernelsFor(memory) };
  }
  return { hu: new Int16Array(count), kernels: null };
};
