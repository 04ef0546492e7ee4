// SLIC (Achanta et al., TPAMI 2012): known answers on synthetic images — a colour edge is never
// crossed, the count is near the request, every label is one 4-connected component, and the
// result is deterministic.
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../../app/mulberry32';
import { enforceConnectivity, slic } from './slic';
import { srgbToLab } from './slic-space';
import { blockImage } from './test-models';
import type { ModelImage } from './types';

const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/** synthetic:rgb_HxW_edge — red left of column `edge`, blue right of it, optionally normalised. */
function twoColour(height: number, width: number, edge: number, normalised: boolean): ModelImage {
  const n = height * width;
  const data = new Float32Array(3 * n);
  for (let p = 0; p < n; p++) {
    const rgb = p % width < edge ? [0.85, 0.15, 0.1] : [0.1, 0.2, 0.8];
    for (let c = 0; c < 3; c++) data[c * n + p] = normalised ? (rgb[c] - IMAGENET.mean[c]) / IMAGENET.std[c] : rgb[c];
  }
  return { data, channels: 3, height, width };
}

/** synthetic:rgb_HxW_noise — smooth colour ramps plus seeded noise (fragments clusters before connectivity). */
function noisy(height: number, width: number, seed: number): ModelImage {
  const rand = mulberry32(seed);
  const n = height * width;
  const data = new Float32Array(3 * n);
  for (let p = 0; p < n; p++) {
    const y = Math.floor(p / width),
      x = p % width;
    data[p] = x / width + 0.3 * rand();
    data[n + p] = y / height + 0.3 * rand();
    data[2 * n + p] = 0.5 + 0.3 * Math.sin(x / 9) * Math.cos(y / 7) + 0.3 * rand();
  }
  return { data, channels: 3, height, width };
}

/** Labels are 0…count−1, each present and one 4-connected component. */
function expectConnected(labels: Int32Array, count: number, height: number, width: number) {
  const seen = new Uint8Array(count);
  const first = new Int32Array(count).fill(-1);
  for (let p = 0; p < labels.length; p++) {
    expect(labels[p]).toBeGreaterThanOrEqual(0);
    expect(labels[p]).toBeLessThan(count);
    if (first[labels[p]] < 0) first[labels[p]] = p;
  }
  const reached = new Uint8Array(labels.length);
  for (let l = 0; l < count; l++) {
    const stack = [first[l]];
    reached[first[l]] = 1;
    while (stack.length) {
      const p = stack.pop()!;
      const y = Math.floor(p / width),
        x = p % width;
      for (const q of [x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1, y > 0 ? p - width : -1, y < height - 1 ? p + width : -1]) {
        if (q >= 0 && !reached[q] && labels[q] === l) {
          reached[q] = 1;
          stack.push(q);
        }
      }
    }
    seen[l] = 1;
  }
  expect(seen.every((s) => s === 1)).toBe(true);
  expect(reached.every((r) => r === 1)).toBe(true); // no pixel of a label unreachable from its first pixel
}

describe('slic', () => {
  it.each([
    ['normalised, CIELAB, SLICO', true, 0],
    ['normalised, CIELAB, m = 10', true, 10],
    ['raw values, SLICO', false, 0],
    ['raw values, m = 20', false, 20],
  ])('splits a two-colour image along the colour edge (%s)', (_name, normalised, m) => {
    const [H, W, edge] = [40, 60, 27]; // the edge is off the initial grid lines
    const image = twoColour(H, W, edge, normalised);
    const { labels, count } = slic(image, 12, m, normalised ? { normalisation: IMAGENET } : {});
    const side = new Map<number, boolean>();
    for (let p = 0; p < H * W; p++) {
      const left = p % W < edge;
      if (side.has(labels[p])) expect(side.get(labels[p])).toBe(left);
      else side.set(labels[p], left);
    }
    expect([...side.values()]).toContain(true);
    expect([...side.values()]).toContain(false);
    expectConnected(labels, count, H, W);
  });

  it('returns about the requested number of connected regions on a textured image', () => {
    for (const [H, W, K] of [
      [224, 224, 50],
      [64, 96, 24],
      [50, 100, 50],
    ] as const) {
      const { labels, count } = slic(noisy(H, W, H + W), K, 0);
      expect(count).toBeGreaterThanOrEqual(Math.floor(K * 0.7));
      expect(count).toBeLessThanOrEqual(Math.ceil(K * 1.3));
      expectConnected(labels, count, H, W);
    }
  });

  it('finds exactly the 50 blocks of a 5×10 block image', () => {
    const image = blockImage(5, 10, 10);
    const { labels, count } = slic(image, 50, 0);
    expect(count).toBe(50);
    for (let b = 0; b < 50; b++) {
      const y = Math.floor(b / 10) * 10,
        x = (b % 10) * 10;
      const l = labels[y * 100 + x];
      for (let dy = 0; dy < 10; dy++) for (let dx = 0; dx < 10; dx++) expect(labels[(y + dy) * 100 + x + dx]).toBe(l);
    }
  });

  it('is deterministic and reads a grey (1-channel) image', () => {
    const rgb = noisy(48, 48, 5);
    const grey: ModelImage = { data: rgb.data.slice(0, 48 * 48), channels: 1, height: 48, width: 48 };
    const a = slic(grey, 16, 0, { normalisation: { mean: [0.5], std: [0.25] } });
    const b = slic(grey, 16, 0, { normalisation: { mean: [0.5], std: [0.25] } });
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expectConnected(a.labels, a.count, 48, 48);
  });

  it('refuses a malformed image or request', () => {
    const image = noisy(8, 8, 1);
    expect(() => slic({ ...image, height: 9 }, 4, 0)).toThrow(/values for a/);
    expect(() => slic(image, 0, 0)).toThrow(/positive integer/);
  });
});

describe('enforceConnectivity', () => {
  it('splits a label that is two components and merges a small one into its neighbour', () => {
    // 1 1 0 0 0 1      label 1 is two components (left block, right column), so is label 0
    // 1 1 0 0 0 1      (top middle, bottom left); a lone 2 pixel at (2,2)
    // 0 0 2 0 0 1
    const old = Int32Array.from([1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0, 2, 0, 0, 1]);
    const { labels, count } = enforceConnectivity(old, 3, 6, 1);
    expect(count).toBe(4); // left 1-block, top 0s, bottom-left 0s (with the merged 2), right 1-column
    expect(labels[0]).not.toBe(labels[5]);
    expect(labels[2]).not.toBe(labels[12]);
    expect(labels[14]).toBe(labels[13]); // the lone pixel joined its left neighbour's region
    expectConnected(labels, count, 3, 6);
  });
});

describe('CIELAB', () => {
  it('matches reference values (white, red, mid grey)', () => {
    const close = (v: number[], ref: number[]) => v.forEach((x, i) => expect(x).toBeCloseTo(ref[i], 1));
    close(srgbToLab(1, 1, 1), [100, 0, 0]);
    close(srgbToLab(1, 0, 0), [53.24, 80.09, 67.2]);
    close(srgbToLab(0.5, 0.5, 0.5), [53.39, 0, 0]);
  });
});
