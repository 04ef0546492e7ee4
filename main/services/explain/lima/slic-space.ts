// The space SLIC measures colour in. Achanta et al. cluster in CIELAB, whose lightness runs
// 0…100; the compactness m is read against that range. Our images arrive normalised
// ((x − mean)/std per channel, x in 0…1), so:
// - with the normalisation known and 3 channels: undo it, then sRGB (D65) → CIELAB;
// - with it known and 1 channel (a windowed CT crop): undo it, grey level × 100 (a lightness);
// - without it: one affine map of the image's own value range onto 0…100 for all channels
//   (the same map for every channel, so colour ratios are kept).
import type { Normalisation } from '../input/normalise';
import type { ModelImage } from './types';

export type SlicSpace = { planes: Float32Array; features: number };

const channelValue = (n: readonly number[], c: number) => (n.length === 1 ? n[0] : n[c]);
const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const labF = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);

/** sRGB components in 0…1 → CIELAB (D65 white), as in Achanta et al.'s reference code. */
export function srgbToLab(r: number, g: number, b: number): [number, number, number] {
  const R = linear(r),
    G = linear(g),
    B = linear(b);
  const x = (0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / 0.95047;
  const y = 0.2126729 * R + 0.7151522 * G + 0.072175 * B;
  const z = (0.0193339 * R + 0.119192 * G + 0.9503041 * B) / 1.08883;
  const fx = labF(x),
    fy = labF(y),
    fz = labF(z);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

export function slicSpace(image: ModelImage, normalisation?: Normalisation): SlicSpace {
  const { data, channels } = image;
  const n = image.height * image.width;
  if (normalisation && (channels === 3 || channels === 1)) {
    const raw = (c: number, p: number) =>
      clamp01(data[c * n + p] * channelValue(normalisation.std, c) + channelValue(normalisation.mean, c));
    if (channels === 1) {
      const planes = new Float32Array(n);
      for (let p = 0; p < n; p++) planes[p] = 100 * raw(0, p);
      return { planes, features: 1 };
    }
    const planes = new Float32Array(3 * n);
    for (let p = 0; p < n; p++) {
      const [L, a, b] = srgbToLab(raw(0, p), raw(1, p), raw(2, p));
      planes[p] = L;
      planes[n + p] = a;
      planes[2 * n + p] = b;
    }
    return { planes, features: 3 };
  }
  let lo = Infinity,
    hi = -Infinity;
  for (let i = 0; i < channels * n; i++) {
    if (data[i] < lo) lo = data[i];
    if (data[i] > hi) hi = data[i];
  }
  const scale = hi > lo ? 100 / (hi - lo) : 0;
  const planes = new Float32Array(channels * n);
  for (let i = 0; i < channels * n; i++) planes[i] = (data[i] - lo) * scale;
  return { planes, features: channels };
}
