// Known answers: the sampled, normalised Gaussian by hand, and scipy.ndimage.gaussian_filter
// (mode='reflect', truncate=3.0, so radius = ceil(3σ) for the σ used here).
import { describe, expect, it } from 'vitest';
import { gaussianBlur, gaussianKernel, reflectIndex } from './gaussian-blur';
import { expectVerdict } from './test-fixtures';

describe('gaussianKernel', () => {
  it('is exp(−d²/2σ²) on d = −r…r divided by its sum, r = ceil(3σ)', () => {
    const k = gaussianKernel(1);
    expect(k.length).toBe(7);
    const raw = [-3, -2, -1, 0, 1, 2, 3].map((d) => Math.exp(-(d * d) / 2));
    const sum = raw.reduce((a, b) => a + b, 0); // 2.5066…
    raw.forEach((v, i) => expect(k[i]).toBeCloseTo(v / sum, 15));
    expect(k[3]).toBeCloseTo(0.39905027, 7);
    expect(gaussianKernel(14).length).toBe(85); // r = 42
    expect(gaussianKernel(5, 5).length).toBe(11); // RISE's 11×11
  });

  it('refuses σ ≤ 0 and a fractional radius, naming the parameter', () => {
    expectVerdict(() => gaussianKernel(0), 'explain.bad-params', 'substrate.sigma');
    expectVerdict(() => gaussianKernel(-1), 'explain.bad-params', 'substrate.sigma');
    expectVerdict(() => gaussianKernel(1, 1.5), 'explain.bad-params', 'substrate.radius');
  });
});

describe('reflectIndex', () => {
  it('reflects about the outer pixel edge, repeating the edge pixel, as often as needed', () => {
    expect([-3, -2, -1, 0, 1, 2, 3, 4, 5, 6].map((i) => reflectIndex(i, 3))).toEqual([2, 1, 0, 0, 1, 2, 2, 1, 0, 0]);
    expect([-1, 0, 1].map((i) => reflectIndex(i, 1))).toEqual([0, 0, 0]);
  });
});

describe('gaussianBlur', () => {
  it('blurs a delta to the normalised kernel (outer product) away from the edges', () => {
    const size = 11;
    const img = new Float32Array(size * size);
    img[5 * size + 5] = 1;
    const out = gaussianBlur(img, 1, size, size, 1);
    const k = gaussianKernel(1);
    let total = 0;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const dy = y - 5;
        const dx = x - 5;
        const expected = Math.abs(dx) <= 3 && Math.abs(dy) <= 3 ? k[dy + 3] * k[dx + 3] : 0;
        expect(out[y * size + x]).toBeCloseTo(expected, 7);
        total += out[y * size + x];
      }
    }
    expect(total).toBeCloseTo(1, 6);
  });

  it('keeps a constant image constant, channel by channel, even with a radius wider than the image', () => {
    const img = new Float32Array(2 * 3 * 4);
    img.fill(0.75, 0, 12);
    img.fill(-2, 12);
    const out = gaussianBlur(img, 2, 3, 4, 14);
    out.subarray(0, 12).forEach((v) => expect(v).toBeCloseTo(0.75, 6));
    out.subarray(12).forEach((v) => expect(v).toBeCloseTo(-2, 6));
  });

  it('equals scipy gaussian_filter(mode="reflect") where the kernel folds over the image', () => {
    const img = Float32Array.from([1, 0, 0, 2, 0, 3, 0, 0, 0, 0, 0, 1]); // 3×4
    const scipy = [
      [0.58039571, 0.59759856, 0.62304362, 0.64339628],
      [0.55270436, 0.57020751, 0.59550347, 0.61534705],
      [0.52434471, 0.5423342, 0.56777926, 0.58734528],
    ].flat();
    const out = gaussianBlur(img, 1, 3, 4, 2); // σ = 2, radius 6 > 4
    scipy.forEach((v, i) => expect(out[i]).toBeCloseTo(v, 6));
  });
});
