// Issue 16, DICOM items 1 and 5: hostile or odd headers, each built here from the synthetic
// writer (test-fixtures.ts) or from a conformance file changed in plain sight.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VerdictError } from '../../../../app/errors';
import { decodeFramesFromBytes } from './decode-frame';
import { instanceFromBytes } from './read-header';
import { scanDicomFolder } from './scan-folder';
import { CONFORMANCE, ctElements, int16Bytes, withElements, writeDicom, type SyntheticElement } from './test-fixtures';

const refusal = (f: () => unknown): VerdictError => {
  try {
    f();
  } catch (e) {
    if (e instanceof VerdictError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
};

const folderWith = (files: Record<string, Uint8Array>): string => {
  const dir = mkdtempSync(join(tmpdir(), 'verdict-hostile-'));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  return dir;
};

const NUMBER_OF_FRAMES = 0x00280008;
const pixels6 = int16Bytes([1, 2, 3, 4, 5, 6]); // 2 × 3, one frame

describe('a NumberOfFrames the pixel data cannot hold (item 1)', () => {
  it('2,147,483,647 frames over one 2×3 frame of native pixels is refused at once, naming the file and the tag', async () => {
    // A 12-byte pixel data element that claims 2^31 − 1 frames: planning its slices took 4.8 GB.
    const file = writeDicom({ elements: withElements(ctElements(), [[NUMBER_OF_FRAMES, 'IS', '2147483647']]), pixels: pixels6 });
    const e = refusal(() => instanceFromBytes(file, 'huge.dcm'));
    expect(e).toMatchObject({ code: 'dicom.bad-value', detail: { tag: 'NumberOfFrames (0028,0008)' } });
    expect(e.message).toMatch(
      /^huge\.dcm: NumberOfFrames \(0028,0008\) says 2147483647 frames, but its pixel data is 12 bytes and one frame needs 12, so it holds at most 1\./,
    );
    const started = performance.now();
    const scan = await scanDicomFolder(folderWith({ 'huge.dcm': file }));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(scan.instances).toEqual([]);
    expect(scan.refused).toEqual([
      expect.objectContaining({ code: 'dicom.bad-value', reason: expect.stringMatching(/huge\.dcm: NumberOfFrames/) }),
    ]);
  });

  it('10,000,000 frames over two encapsulated fragments are refused: each frame needs a fragment', () => {
    const rle = new Uint8Array(64); // a valid-looking RLE header; the count is refused before any decoding
    const file = writeDicom({
      transferSyntax: '1.2.840.10008.1.2.5',
      elements: withElements(ctElements(), [[NUMBER_OF_FRAMES, 'IS', '10000000']]),
      fragments: [rle, rle],
    });
    expect(refusal(() => instanceFromBytes(file, 'ten-million.dcm', { requireDecodable: false })).message).toMatch(
      /ten-million\.dcm: NumberOfFrames \(0028,0008\) says 10000000 frames, but its encapsulated pixel data has 2 fragment\(s\)/,
    );
  });

  it('a frame count that fits is kept', () => {
    const file = writeDicom({
      elements: withElements(ctElements(), [[NUMBER_OF_FRAMES, 'IS', '2']]),
      pixels: int16Bytes([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
    });
    expect(instanceFromBytes(file, 'two.dcm').numberOfFrames).toBe(2);
  });
});

describe('bit depths that would be read as something else (item 5)', () => {
  const cases: [string, SyntheticElement, RegExp][] = [
    ['BitsStored 0', [0x00280101, 'US', [0]], /BitsStored \(0028,0101\) is 0, but it must be between 1 and BitsAllocated \(16\)/],
    ['BitsStored 17 of 16', [0x00280101, 'US', [17]], /BitsStored \(0028,0101\) is 17/],
    [
      'PixelRepresentation 2',
      [0x00280103, 'US', [2]],
      /PixelRepresentation \(0028,0103\) is 2, but it must be 0 \(unsigned\) or 1 \(signed\)/,
    ],
  ];
  for (const [what, change, says] of cases) {
    it(`${what} is refused naming the tag`, () => {
      const file = writeDicom({ elements: withElements(ctElements(), [change]), pixels: pixels6 });
      const e = refusal(() => instanceFromBytes(file, 'bits.dcm'));
      expect(e.code).toBe('dicom.bad-value');
      expect(e.message).toMatch(/^bits\.dcm: /);
      expect(e.message).toMatch(says);
    });
  }
});

describe('an explicit-VR data set without a file meta header (item 5)', () => {
  it('is read by peeking at the VR, with the same pixels as the Part 10 file it came from', async () => {
    const part10 = writeDicom({ elements: ctElements(), pixels: pixels6 });
    // Drop the 128-byte preamble, 'DICM' and the meta group (its length is the UL at 132 + 8).
    const metaLength = new DataView(part10.buffer).getUint32(132 + 8, true);
    const bare = part10.subarray(132 + 12 + metaLength);
    expect(String.fromCharCode(bare[4], bare[5])).toBe('UI'); // explicit VR: (0008,0016) UI …
    const inst = instanceFromBytes(bare, 'bare-explicit.dcm');
    expect(inst.transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
    const [frame] = await decodeFramesFromBytes(bare, 'bare-explicit.dcm');
    expect(Array.from(frame.pixels)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('the implicit-VR kind still reads as before', () => {
    const part10 = writeDicom({ transferSyntax: '1.2.840.10008.1.2', elements: ctElements(), pixels: pixels6 });
    const metaLength = new DataView(part10.buffer).getUint32(132 + 8, true);
    expect(instanceFromBytes(part10.subarray(132 + 12 + metaLength), 'bare-implicit.dcm').rows).toBe(2);
  });
});

describe('a baseline JPEG whose last fragment is cut short (item 5)', () => {
  it('is shown as far as its data goes, as other decoders show it, instead of "buffer overrun"', async () => {
    const path = join(CONFORMANCE, 'cornerstone-loader/CTImage.dcm_JPEGProcess1TransferSyntax_1.2.840.10008.1.2.4.50.dcm');
    const whole = new Uint8Array(await readFile(path));
    // 1000 bytes off the end: the fragment item still claims its full length, the EOI is gone.
    const cut = whole.subarray(0, whole.length - 1000);
    const [full] = await decodeFramesFromBytes(whole, 'whole.dcm');
    const [short] = await decodeFramesFromBytes(cut, 'cut.dcm');
    expect(short.kind).toBe('mono');
    expect([short.rows, short.columns]).toEqual([512, 512]);
    // The first 400 rows are entropy-coded well before the cut: identical to the whole file's.
    expect(Array.from(short.pixels.subarray(0, 400 * 512))).toEqual(Array.from(full.pixels.subarray(0, 400 * 512)));
    const scan = await scanDicomFolder(folderWith({ 'cut.dcm': cut }));
    expect(scan.refused).toEqual([]);
    expect(scan.instances).toHaveLength(1);
  });
});
