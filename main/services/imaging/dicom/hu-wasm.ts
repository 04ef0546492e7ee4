// A tiny WebAssembly SIMD kernel for the stored → HU rescale, assembled here from named
// instructions (no toolchain, no binary blob). A JS loop manages ~1.3 ns per pixel on our 2-core
// CI machines; 8 lanes per instruction make the rescale cost about as much as a memcpy, which is
// most of the volume-loading budget. The kernels work in place on a region of the memory they
// are instantiated with, so a volume allocated in WebAssembly memory is rescaled where it lies.
//
//   addSatS16(ptr, nbytes, intercept:i32)          int16 + intercept, saturating (slope 1)
//   scaleS16 / scaleU16(ptr, nbytes, slope:f32, intercept:f32)
//       int16/uint16 → f32 → ×slope +intercept → round to nearest (ties even) → saturate to int16
// `nbytes` must be a multiple of 16; the caller handles the last few pixels.

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;
const simd = (code: number): number[] => [0xfd, ...uleb(code)];
const get = (i: number): number[] => [0x20, i];
const set = (i: number): number[] => [0x21, i];
const MEM = [4, 0]; // memarg: 16-byte alignment hint, offset 0
const op = {
  i32Add: [0x6a],
  i32GeU: [0x4f],
  i32Const: (v: number) => [0x41, ...sleb(v)],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, depth],
  brIf: (depth: number) => [0x0d, depth],
  v128Load: [...simd(0x00), ...MEM],
  v128Store: [...simd(0x0b), ...MEM],
  i16x8Splat: simd(0x10),
  f32x4Splat: simd(0x13),
  i16x8AddSatS: simd(0x8f),
  i16x8NarrowI32x4S: simd(0x85),
  i32x4ExtendLowS: simd(0xa7),
  i32x4ExtendHighS: simd(0xa8),
  i32x4ExtendLowU: simd(0xa9),
  i32x4ExtendHighU: simd(0xaa),
  f32x4Add: simd(0xe4),
  f32x4Mul: simd(0xe6),
  f32x4Nearest: simd(0x6a),
  i32x4TruncSatF32x4S: simd(0xf8),
  f32x4ConvertI32x4S: simd(0xfa),
};

/** for (i = 0; i < nbytes; i += 16) { body(address = ptr + i) }; params 0 = ptr, 1 = nbytes, `i` is a local. */
const loop16 = (i: number, body: number[]): number[] => [
  ...op.block,
  ...op.loop,
  ...get(i),
  ...get(1),
  ...op.i32GeU,
  ...op.brIf(1),
  ...body,
  ...get(i),
  ...op.i32Const(16),
  ...op.i32Add,
  ...set(i),
  ...op.br(0),
  ...op.end,
  ...op.end,
];
const addr = (i: number): number[] => [...get(0), ...get(i), ...op.i32Add];

// addSatS16(ptr, nbytes, intercept): locals 3 = i (i32), 4 = k (v128)
const addSatBody = [
  ...get(2),
  ...op.i16x8Splat,
  ...set(4),
  ...loop16(3, [...addr(3), ...addr(3), ...op.v128Load, ...get(4), ...op.i16x8AddSatS, ...op.v128Store]),
];

// scale(ptr, nbytes, slope, intercept): locals 4 = i, 5 = m, 6 = b, 7 = x
const half = (extend: number[]): number[] => [
  ...get(7),
  ...extend,
  ...op.f32x4ConvertI32x4S,
  ...get(5),
  ...op.f32x4Mul,
  ...get(6),
  ...op.f32x4Add,
  ...op.f32x4Nearest,
  ...op.i32x4TruncSatF32x4S,
];
const scaleBody = (low: number[], high: number[]): number[] => [
  ...get(2),
  ...op.f32x4Splat,
  ...set(5),
  ...get(3),
  ...op.f32x4Splat,
  ...set(6),
  ...loop16(4, [...addr(4), ...addr(4), ...op.v128Load, ...set(7), ...half(low), ...half(high), ...op.i16x8NarrowI32x4S, ...op.v128Store]),
];

const code = (locals: [count: number, type: number][], body: number[]): number[] => {
  const fn = [...vec(locals.map(([n, t]) => [...uleb(n), t])), ...body, ...op.end];
  return [...uleb(fn.length), ...fn];
};

export const HU_WASM_BYTES = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00,
  ...section(
    1,
    vec([
      [0x60, ...vec([[I32], [I32], [I32]]), ...vec([])],
      [0x60, ...vec([[I32], [I32], [F32], [F32]]), ...vec([])],
    ]),
  ),
  ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0]])), // imports memory, min 0 pages
  ...section(3, vec([[0], [1], [1]])),
  ...section(
    7,
    vec([
      [...name('addSatS16'), 0x00, 0],
      [...name('scaleS16'), 0x00, 1],
      [...name('scaleU16'), 0x00, 2],
    ]),
  ),
  ...section(
    10,
    vec([
      code(
        [
          [1, I32],
          [1, V128],
        ],
        addSatBody,
      ),
      code(
        [
          [1, I32],
          [3, V128],
        ],
        scaleBody(op.i32x4ExtendLowS, op.i32x4ExtendHighS),
      ),
      code(
        [
          [1, I32],
          [3, V128],
        ],
        scaleBody(op.i32x4ExtendLowU, op.i32x4ExtendHighU),
      ),
    ]),
  ),
]);

export type HuKernels = {
  memory: WebAssembly.Memory;
  addSatS16: (ptr: number, nbytes: number, intercept: number) => void;
  scaleS16: (ptr: number, nbytes: number, slope: number, intercept: number) => void;
  scaleU16: (ptr: number, nbytes: number, slope: number, intercept: number) => void;
};

let compiled: WebAssembly.Module | null | undefined;
let forceJs = false;

const module = (): WebAssembly.Module | null => {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(HU_WASM_BYTES);
    } catch {
      compiled = null; // no WebAssembly SIMD here: the JS loops take over
    }
  }
  return forceJs ? null : compiled;
};

export const simdAvailable = (): boolean => module() !== null;

/** Kernels bound to `memory` (instantiation is cheap once the module is compiled), or null. */
export const kernelsFor = (memory: WebAssembly.Memory): HuKernels | null => {
  const m = module();
  if (!m) return null;
  const exports = new WebAssembly.Instance(m, { env: { memory } }).exports as Omit<HuKernels, 'memory'>;
  return { memory, addSatS16: exports.addSatS16, scaleS16: exports.scaleS16, scaleU16: exports.scaleU16 };
};

/** Force the JS path (tests compare both paths); undefined restores the default. */
export const setForceJsForTest = (on: boolean): void => {
  forceJs = on;
};
