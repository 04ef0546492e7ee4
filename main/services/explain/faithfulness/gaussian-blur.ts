// Separable Gaussian blur of planar float images, the substrate of the CDAM paper's MIF/LIF
// curves (σ = 14) and of RISE's insertion game (σ = 5 on an 11×11 kernel).
// The kernel is the sampled Gaussian exp(−d²/2σ²), d = −r…r, r = ceil(3σ) unless given,
// divided by its sum. Edges are reflected about the outer pixel edge, the edge pixel itself
// repeated (… c b a | a b c …: scipy.ndimage mode 'reflect', numpy pad 'symmetric'), folding
// again as often as a radius wider than the image needs.
// The references differ at the borders and in the kernel's shape, which this does not copy:
// Pillow's GaussianBlur (used by obzai/obzai) approximates the Gaussian by three box blurs with
// clamped edges; RISE convolves with zero padding.
import { VerdictError } from '../../../../app/errors';

/** The input side at which the papers' blur widths were set (224×224 ViT inputs). */
export const BLUR_REFERENCE_SIDE = 224;

/**
 * How a paper's blur σ meets our input size. 'scaled' (the default): σ·S/224, S the shorter
 * input side, so the blur removes the same share of the image's detail as in the paper — at
 * 64 px an unscaled σ = 14 would spread over a fifth of the image (the pointing game's
 * tolerance is scaled the same way). 'paper': the paper's σ in pixels of our input, as written.
 */
export type BlurScale = 'scaled' | 'paper';
export const BLUR_SCALES: readonly BlurScale[] = ['scaled', 'paper'];
/** How a blurred metric's stored parameters say its σ meets the input. */
export const BLUR_AT_INPUT = "σ·side/224 by default (the paper's σ at 224 px), or as written with blur = 'paper'";

/** The σ (and, for a kernel cut at a fixed radius, that radius) to use on a height×width input. */
export function blurAtInput(
  paper: { sigma: number; radius?: number },
  height: number,
  width: number,
  scale: BlurScale = 'scaled',
): { sigma: number; radius?: number } {
  if (!BLUR_SCALES.includes(scale))
    throw new VerdictError(
      'explain.bad-params',
      `blur is 'scaled' (σ·side/224) or 'paper' (the paper's σ in pixels); got ${String(scale)}.`,
      { param: 'blur' },
    );
  if (scale === 'paper') return paper;
  const f = Math.min(height, width) / BLUR_REFERENCE_SIDE;
  return paper.radius === undefined
    ? { sigma: paper.sigma * f }
    : { sigma: paper.sigma * f, radius: Math.max(1, Math.round(paper.radius * f)) };
}

/** The normalised 1-D kernel, 2r + 1 taps. */
export function gaussianKernel(sigma: number, radius = Math.ceil(3 * sigma)): Float64Array {
  if (!(sigma > 0) || !Number.isFinite(sigma))
    throw new VerdictError('explain.bad-params', `A Gaussian blur needs σ > 0 pixels (got ${sigma}).`, { param: 'substrate.sigma' });
  if (!Number.isInteger(radius) || radius < 0)
    throw new VerdictError('explain.bad-params', `A blur kernel radius is a whole number of pixels ≥ 0 (got ${radius}).`, {
      param: 'substrate.radius',
    });
  const k = new Float64Array(2 * radius + 1);
  let total = 0;
  for (let d = -radius; d <= radius; d++) {
    const w = Math.exp(-(d * d) / (2 * sigma * sigma));
    k[d + radius] = w;
    total += w;
  }
  for (let i = 0; i < k.length; i++) k[i] /= total;
  return k;
}

/** The index that position i reads from a line of n samples, reflected (… c b a | a b c …). */
export function reflectIndex(i: number, n: number): number {
  const period = 2 * n;
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - 1 - m;
}

/** Blurs `channels` planes of height×width (planar, row-major); returns a new array. */
export function gaussianBlur(
  src: Float32Array,
  channels: number,
  height: number,
  width: number,
  sigma: number,
  radius?: number,
): Float32Array {
  if (src.length !== channels * height * width)
    throw new VerdictError('explain.bad-params', `gaussianBlur: ${src.length} values for ${channels}×${height}×${width}.`, {
      param: 'image',
    });
  const k = gaussianKernel(sigma, radius);
  const r = (k.length - 1) / 2;
  const plane = height * width;
  const mid = new Float64Array(plane);
  const out = new Float32Array(src.length);
  const xs = Int32Array.from({ length: width + 2 * r }, (_, i) => reflectIndex(i - r, width));
  const ys = Int32Array.from({ length: height + 2 * r }, (_, i) => reflectIndex(i - r, height));
  for (let c = 0; c < channels; c++) {
    const base = c * plane;
    for (let y = 0; y < height; y++) {
      const row = base + y * width;
      for (let x = 0; x < width; x++) {
        let s = 0;
        for (let t = 0; t < k.length; t++) s += k[t] * src[row + xs[x + t]];
        mid[y * width + x] = s;
      }
    }
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let s = 0;
        for (let t = 0; t < k.length; t++) s += k[t] * mid[ys[y + t] * width + x];
        out[base + y * width + x] = s;
      }
    }
  }
  return out;
}
