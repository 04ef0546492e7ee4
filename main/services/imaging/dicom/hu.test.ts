import { afterEach, describe, expect, it } from 'vitest';
import { allocVolumeBuffer, rescaleInPlace, toHu } from './hu';
import { setForceJsForTest, simdAvailable } from './hu-wasm';

// Known-answer cases, including the saturation edges, plus random data compared across the
// SIMD kernel and the JS fallback (they must agree exactly).
const random = (n: number, seed: number, lo: number, hi: number): number[] => {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return lo + (s % (hi - lo + 1));
  });
};

describe('toHu', () => {
  afterEach(() => setForceJsForTest(false));

  it('the SIMD kernel is available in Node 20', () => {
    expect(simdAvailable()).toBe(true);
  });

  it('adds the intercept and saturates (slope 1), with a tail shorter than one SIMD block', () => {
    const stored = Int16Array.from([0, 1024, -2000, 32767, -32768, 100, 3000, -1, 5, 6, 7]);
    const expected = [-1024, 0, -3024, 31743, -32768, -924, 1976, -1025, -1019, -1018, -1017];
    expect([...toHu(stored, 1, -1024)]).toEqual(expected);
    expect([...toHu(stored, 1, 32000)].slice(0, 4)).toEqual([32000, 32767, 30000, 32767]);
  });

  it('applies a slope with round-to-nearest and saturation for unsigned data', () => {
    const stored = Uint16Array.from([0, 1, 2, 3, 4095, 65535, 10, 11, 12]);
    expect([...toHu(stored, 2.5, -1000)]).toEqual([-1000, -998, -995, -992, 9238, 32767, -975, -972, -970]);
  });

  it('SIMD and JS paths agree exactly on random data', () => {
    const s16 = Int16Array.from(random(10_007, 7, -32768, 32767));
    const u16 = Uint16Array.from(random(10_007, 9, 0, 65535));
    const cases: [Int16Array | Uint16Array, number, number][] = [
      [s16, 1, -1024],
      [s16, 1, 0],
      [s16, 2.0002442, -4047],
      [s16, 0.5, 0.5],
      [u16, 1, -1024],
      [u16, 32.1216, -4047],
      [u16, 1, 40000],
    ];
    for (const [stored, m, b] of cases) {
      const simd = toHu(stored, m, b);
      setForceJsForTest(true);
      const js = toHu(stored, m, b);
      setForceJsForTest(false);
      expect(simd).toEqual(js);
    }
  });

  it('is within 1 of float64 arithmetic for non-unit slopes', () => {
    const stored = Uint16Array.from(random(4096, 3, 0, 4095));
    const hu = toHu(stored, 2.0002442, -4047);
    let worst = 0;
    stored.forEach((v, i) => (worst = Math.max(worst, Math.abs(hu[i] - Math.round(v * 2.0002442 - 4047)))));
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('rescales a slot of a volume buffer in place, leaving its neighbours alone', () => {
    const { hu, kernels } = allocVolumeBuffer(3 * 20);
    expect(kernels).not.toBeNull();
    hu.fill(7);
    const slot = hu.subarray(20, 40);
    slot.set(Int16Array.from({ length: 20 }, (_, i) => i * 100));
    rescaleInPlace(slot, kernels, true, 1, -1024);
    expect([...slot]).toEqual(Array.from({ length: 20 }, (_, i) => i * 100 - 1024));
    expect(hu[19]).toBe(7);
    expect(hu[40]).toBe(7);
  });

  it('refuses an output that is too small', () => {
    expect(() => toHu(new Int16Array(10), 1, 0, new Int16Array(5))).toThrow(RangeError);
  });
});
