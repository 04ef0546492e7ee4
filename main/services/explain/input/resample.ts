// Resizing of planar float images with a separable triangle (bilinear) filter whose support
// widens with the reduction factor, as Pillow's `Image.resize(…, BILINEAR)` does (and so
// torchvision's Resize on PIL images): pixel centres at half-integers, edge weights
// renormalised, anti-aliased when shrinking. When enlarging it equals
// torch.nn.functional.interpolate(mode='bilinear', align_corners=False).
// Reference: Pillow, src/libImaging/Resample.c (precompute_coeffs, bilinear_filter).

type Coeffs = { start: Int32Array; count: Int32Array; weights: Float64Array; stride: number };

function coefficients(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // triangle filter support 1, scaled
  const stride = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * stride);
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale;
    const lo = Math.max(Math.trunc(centre - support + 0.5), 0);
    const hi = Math.min(Math.trunc(centre + support + 0.5), inSize);
    let total = 0;
    for (let i = lo; i < hi; i++) {
      const x = Math.abs((i - centre + 0.5) / filterScale);
      const w = x < 1 ? 1 - x : 0;
      weights[o * stride + (i - lo)] = w;
      total += w;
    }
    for (let i = lo; i < hi; i++) weights[o * stride + (i - lo)] /= total || 1;
    start[o] = lo;
    count[o] = hi - lo;
  }
  return { start, count, weights, stride };
}

/** Resizes `channels` planes of `inH`×`inW` (planar, row-major) to `outH`×`outW`. */
export function resizeBilinear(src: Float32Array, channels: number, inH: number, inW: number, outH: number, outW: number): Float32Array {
  if (src.length !== channels * inH * inW) throw new RangeError(`resizeBilinear: ${src.length} values for ${channels}×${inH}×${inW}`);
  if (inH === outH && inW === outW) return Float32Array.from(src);
  const h = coefficients(inW, outW);
  const v = coefficients(inH, outH);
  const mid = new Float64Array(channels * inH * outW);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < inH; y++) {
      const row = (c * inH + y) * inW;
      for (let x = 0; x < outW; x++) {
        let s = 0;
        for (let k = 0; k < h.count[x]; k++) s += src[row + h.start[x] + k] * h.weights[x * h.stride + k];
        mid[(c * inH + y) * outW + x] = s;
      }
    }
  }
  const out = new Float32Array(channels * outH * outW);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < outH; y++) {
      for (let x = 0; x < outW; x++) {
        let s = 0;
        for (let k = 0; k < v.count[y]; k++) s += mid[(c * inH + v.start[y] + k) * outW + x] * v.weights[y * v.stride + k];
        out[(c * outH + y) * outW + x] = s;
      }
    }
  }
  return out;
}
