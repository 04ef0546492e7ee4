import { describe, expect, it } from 'vitest';
import { decodeRleFrame, RleError, unpackBits } from './rle-decoder';

// Hand-made RLE frames (PS3.5 Annex G): a 64-byte header of little-endian uint32s (segment
// count, then segment offsets from the start of the frame) followed by PackBits segments.
const frame = (segments: number[][]): Uint8Array => {
  const header = new Uint8Array(64);
  const view = new DataView(header.buffer);
  view.setUint32(0, segments.length, true);
  let offset = 64;
  segments.forEach((s, i) => {
    view.setUint32(4 + 4 * i, offset, true);
    offset += s.length;
  });
  return Uint8Array.from([...header, ...segments.flat()]);
};

describe('unpackBits', () => {
  it('decodes literal runs, replicate runs and skips the -128 no-op', () => {
    // 0x02 → 3 literals; 0xfd (-3) → repeat 4×; 0x80 no-op; 0x00 → 1 literal
    const src = Uint8Array.from([0x02, 1, 2, 3, 0xfd, 9, 0x80, 0x00, 7]);
    const out = new Uint8Array(8);
    unpackBits(src, 0, src.length, out, 0, 1, 8);
    expect([...out]).toEqual([1, 2, 3, 9, 9, 9, 9, 7]);
  });

  it('writes with a stride (one byte plane of interleaved samples)', () => {
    const out = new Uint8Array(6);
    unpackBits(Uint8Array.from([0xfe, 5]), 0, 2, out, 1, 2, 3);
    expect([...out]).toEqual([0, 5, 0, 5, 0, 5]);
  });

  it('refuses a literal run that overruns its segment, and a segment that is too short', () => {
    expect(() => unpackBits(Uint8Array.from([0x05, 1, 2]), 0, 3, new Uint8Array(6), 0, 1, 6)).toThrow(RleError);
    expect(() => unpackBits(Uint8Array.from([0x00, 1]), 0, 2, new Uint8Array(4), 0, 1, 4)).toThrow(/decodes to 1 bytes, expected 4/);
  });
});

describe('decodeRleFrame', () => {
  it('8-bit monochrome: one segment', () => {
    const out = decodeRleFrame(frame([[0xff, 42, 0x01, 1, 2]]), { rows: 2, columns: 2, samplesPerPixel: 1, bitsAllocated: 8 });
    expect([...out]).toEqual([42, 42, 1, 2]);
  });

  it('16-bit: the most significant byte plane comes first, output is little endian', () => {
    // values 0x0102, 0x0304, 0xFFFE → high bytes [01 03 FF], low bytes [02 04 FE]
    const out = decodeRleFrame(
      frame([
        [0x02, 0x01, 0x03, 0xff],
        [0x02, 0x02, 0x04, 0xfe],
      ]),
      { rows: 1, columns: 3, samplesPerPixel: 1, bitsAllocated: 16 },
    );
    expect([...new Int16Array(out.buffer)]).toEqual([0x0102, 0x0304, -2]);
  });

  it('RGB: three planes become interleaved pixels (or stay planar on request)', () => {
    const f = frame([
      [0xff, 10],
      [0xff, 20],
      [0xff, 30],
    ]);
    const layout = { rows: 1, columns: 2, samplesPerPixel: 3, bitsAllocated: 8 };
    expect([...decodeRleFrame(f, layout)]).toEqual([10, 20, 30, 10, 20, 30]);
    expect([...decodeRleFrame(f, layout, false)]).toEqual([10, 10, 20, 20, 30, 30]);
  });

  it('refuses a header whose segment count does not fit the image, and a short frame', () => {
    expect(() => decodeRleFrame(frame([[0xff, 1]]), { rows: 1, columns: 2, samplesPerPixel: 1, bitsAllocated: 16 })).toThrow(
      /2 segments|expected 2/,
    );
    expect(() => decodeRleFrame(new Uint8Array(10), { rows: 1, columns: 1, samplesPerPixel: 1, bitsAllocated: 8 })).toThrow(/64-byte/);
  });
});
