import { describe, expect, it } from 'vitest';
import { jpegFrameHeader } from './jpeg-header';

// SOI, an APP0 segment to skip, then a frame header: FFCn, length, precision, rows, columns, components.
const stream = (marker: number, precision: number): Uint8Array =>
  Uint8Array.from([
    0xff,
    0xd8,
    0xff,
    0xe0,
    0x00,
    0x04,
    0x4a,
    0x46,
    0xff,
    marker,
    0x00,
    0x0b,
    precision,
    0x02,
    0x00,
    0x01,
    0x80,
    0x01,
    0x01,
    0x11,
    0x00,
  ]);

describe('jpegFrameHeader', () => {
  it('reads precision, size and process from the first SOF', () => {
    expect(jpegFrameHeader(stream(0xc1, 12))).toEqual({
      marker: 0xc1,
      process: 'extended',
      precision: 12,
      rows: 512,
      columns: 384,
      components: 1,
    });
    expect(jpegFrameHeader(stream(0xc0, 8))?.process).toBe('baseline');
    expect(jpegFrameHeader(stream(0xc3, 16))?.process).toBe('lossless');
    expect(jpegFrameHeader(stream(0xf7, 16))?.process).toBe('jpeg-ls');
  });

  it('returns null for bytes that are not a JPEG stream or have no frame header', () => {
    expect(jpegFrameHeader(Uint8Array.from([0xff, 0x4f, 0xff, 0x51]))).toBeNull(); // JPEG 2000
    expect(jpegFrameHeader(Uint8Array.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02]))).toBeNull();
    expect(jpegFrameHeader(new Uint8Array(0))).toBeNull();
  });
});
