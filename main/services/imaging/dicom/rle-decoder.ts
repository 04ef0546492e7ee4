// DICOM RLE Lossless (PS3.5 Annex G). A frame is one fragment: a 64-byte header (segment count,
// then 15 segment offsets, little endian) followed by PackBits-coded segments. Each segment holds
// one byte plane of one sample: for 16-bit data the most significant byte comes first (G.2), and
// colour samples come plane by plane (R then G then B), so the output is planar per sample.

export type RleLayout = {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
};

export class RleError extends Error {
  override readonly name = 'RleError';
}

/** PackBits (G.3.1): n ≥ 0 copies n+1 literal bytes, −127…−1 repeats the next byte 1−n times, −128 is a no-op. */
export const unpackBits = (
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  outOffset: number,
  outStride: number,
  count: number,
): void => {
  let i = start;
  let o = outOffset;
  let written = 0;
  while (written < count && i < end) {
    const n = src[i++];
    if (n < 128) {
      const len = n + 1;
      if (i + len > end) throw new RleError(`literal run of ${len} bytes overruns its segment`);
      const take = Math.min(len, count - written);
      for (let k = 0; k < take; k++, o += outStride) out[o] = src[i + k];
      i += len;
      written += take;
    } else if (n > 128) {
      const len = 257 - n;
      if (i >= end) throw new RleError('replicate run has no byte to repeat');
      const v = src[i++];
      const take = Math.min(len, count - written);
      for (let k = 0; k < take; k++, o += outStride) out[o] = v;
      written += take;
    }
  }
  if (written < count) throw new RleError(`segment decodes to ${written} bytes, expected ${count}`);
};

/**
 * Decode one RLE frame into native little-endian bytes: samples interleaved by pixel when
 * `interleave` is true (how native colour with PlanarConfiguration 0 is laid out), else planar.
 */
export const decodeRleFrame = (frame: Uint8Array, layout: RleLayout, interleave = true): Uint8Array => {
  if (frame.length < 64) throw new RleError(`frame is ${frame.length} bytes, shorter than the 64-byte RLE header`);
  const view = new DataView(frame.buffer, frame.byteOffset, 64);
  const segments = view.getUint32(0, true);
  const bytesPerSample = layout.bitsAllocated / 8;
  if (!Number.isInteger(bytesPerSample) || bytesPerSample < 1)
    throw new RleError(`${layout.bitsAllocated}-bit samples cannot be RLE coded`);
  const expected = layout.samplesPerPixel * bytesPerSample;
  if (segments !== expected) throw new RleError(`header lists ${segments} segments, expected ${expected}`);
  const pixels = layout.rows * layout.columns;
  const out = new Uint8Array(pixels * expected);
  for (let s = 0; s < segments; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? view.getUint32(8 + 4 * s, true) : frame.length;
    if (start < 64 || end > frame.length || start > end) throw new RleError(`segment ${s + 1} has bad offsets ${start}…${end}`);
    const sample = Math.floor(s / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample); // MSB plane first → little-endian position
    const offset = interleave ? sample * bytesPerSample + byteInSample : sample * pixels * bytesPerSample + byteInSample;
    const stride = interleave ? expected : bytesPerSample;
    unpackBits(frame, start, end, out, offset, stride, pixels);
  }
  return out;
};
