import { describe, expect, it } from 'vitest';
import { decodeFramesFromBytes } from './decode-frame';
import { ctElements, int16Bytes, withElements, writeDicom, type SyntheticElement } from './test-fixtures';

// Synthetic files for the photometric and bit-depth cases the conformance set lacks.
const mono8 = (photometric: string, pixels: number[]): Uint8Array =>
  writeDicom({
    elements: withElements(ctElements({ rows: 2, columns: 2 }), [
      [0x00280004, 'CS', photometric],
      [0x00280100, 'US', [8]],
      [0x00280101, 'US', [8]],
      [0x00280103, 'US', [0]],
    ]),
    pixels: Uint8Array.from(pixels),
  });

const colour = (photometric: string, planar: 0 | 1, pixels: number[], rows = 1, columns = 2): Uint8Array =>
  writeDicom({
    elements: withElements(ctElements({ rows, columns }), [
      [0x00280002, 'US', [3]],
      [0x00280004, 'CS', photometric],
      [0x00280006, 'US', [planar]],
      [0x00280100, 'US', [8]],
      [0x00280101, 'US', [8]],
      [0x00280103, 'US', [0]],
    ] as SyntheticElement[]),
    pixels: Uint8Array.from(pixels),
  });

describe('decodeFrames: native pixel layouts', () => {
  it('8-bit MONOCHROME1 widens to Uint16 and keeps its photometric (display inverts, values do not)', async () => {
    const [f] = await decodeFramesFromBytes(mono8('MONOCHROME1', [0, 1, 200, 255]), 'm1.dcm');
    expect(f.kind).toBe('mono');
    expect(f.photometric).toBe('MONOCHROME1');
    expect(f.pixels).toBeInstanceOf(Uint16Array);
    expect([...f.pixels]).toEqual([0, 1, 200, 255]);
  });

  it('12 of 16 bits: unsigned values lose the unused high bits, signed ones are sign-extended', async () => {
    const file = (signed: number) =>
      writeDicom({
        elements: withElements(ctElements({ rows: 1, columns: 3 }), [
          [0x00280101, 'US', [12]],
          [0x00280103, 'US', [signed]],
        ]),
        pixels: int16Bytes([0x1fff, 0x0800, 0x07ff]),
      });
    expect([...(await decodeFramesFromBytes(file(0), 'u12.dcm'))[0].pixels]).toEqual([0x0fff, 0x0800, 0x07ff]);
    expect([...(await decodeFramesFromBytes(file(1), 's12.dcm'))[0].pixels]).toEqual([-1, -2048, 2047]);
  });

  it('explicit VR big endian is byte-swapped', async () => {
    const file = writeDicom({
      transferSyntax: '1.2.840.10008.1.2.2',
      elements: ctElements({ rows: 1, columns: 3 }),
      pixels: int16Bytes([-1024, 0, 3000], false),
    });
    const [f] = await decodeFramesFromBytes(file, 'be.dcm');
    expect(f.pixels).toBeInstanceOf(Int16Array);
    expect([...f.pixels]).toEqual([-1024, 0, 3000]);
  });

  it('RGB with planar configuration 1 becomes interleaved', async () => {
    const [f] = await decodeFramesFromBytes(colour('RGB', 1, [1, 2, 3, 4, 5, 6]), 'planar.dcm');
    expect(f.kind).toBe('rgb');
    expect([...f.pixels]).toEqual([1, 3, 5, 2, 4, 6]);
  });

  it('YBR_FULL converts to RGB (PS3.3 C.7.6.3.1.2): grey stays grey, saturated Cr is red', async () => {
    const [f] = await decodeFramesFromBytes(colour('YBR_FULL', 0, [128, 128, 128, 76, 85, 255]), 'ybr.dcm');
    expect([...f.pixels.slice(0, 3)]).toEqual([128, 128, 128]);
    const [r, g, b] = f.pixels.slice(3);
    expect(r).toBeGreaterThanOrEqual(252);
    expect(g).toBeLessThanOrEqual(3);
    expect(b).toBeLessThanOrEqual(3);
  });

  it('uncompressed YBR_FULL_422 shares chroma between each pair of pixels', async () => {
    // one row of 2 pixels stored as Y1 Y2 Cb Cr
    const [f] = await decodeFramesFromBytes(colour('YBR_FULL_422', 0, [100, 200, 128, 128], 1, 2), '422.dcm');
    expect([...f.pixels]).toEqual([100, 100, 100, 200, 200, 200]);
  });

  it('every frame of a multi-frame file, in order; a frame that does not exist is refused', async () => {
    const file = writeDicom({
      elements: withElements(ctElements({ rows: 1, columns: 2 }), [[0x00280008, 'IS', '3']]),
      pixels: int16Bytes([1, 2, 3, 4, 5, 6]),
    });
    const frames = await decodeFramesFromBytes(file, 'mf.dcm');
    expect(frames.map((f) => [...f.pixels])).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    await expect(decodeFramesFromBytes(file, 'mf.dcm', [3])).rejects.toMatchObject({
      code: 'dicom.bad-value',
      message: expect.stringMatching(/mf\.dcm has 3 frame/),
    });
  });

  it('unsupported bit depths are refused clearly', async () => {
    const file = writeDicom({
      elements: withElements(ctElements({ rows: 1, columns: 1 }), [
        [0x00280100, 'US', [32]],
        [0x00280101, 'US', [32]],
      ]),
      pixels: Uint8Array.from([1, 0, 0, 0]),
    });
    await expect(decodeFramesFromBytes(file, 'deep.dcm')).rejects.toMatchObject({
      code: 'dicom.bad-value',
      message: expect.stringMatching(/deep\.dcm: its pixels have 32 bits allocated/),
    });
  });
});
