// Issue 16, DICOM items 2–4: codestreams that decoded to the wrong colours, blocked the event loop,
// or were imported and then refused by the viewer. Each hostile stream is built here: JPEGs are
// encoded with sharp and their markers patched; the others are conformance files cut or spliced.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeFramesFromBytes } from './decode-frame';
import { encapsulatedFrame } from './frame-bytes';
import { openDicom } from './open-dataset';
import { instanceFromDataSet } from './read-header';
import { scanDicomFolder } from './scan-folder';
import { CONFORMANCE, ctElements, withElements, writeDicom, type SyntheticElement } from './test-fixtures';
import { runWasmDecode, setDecodeTimeLimitForTest } from './wasm-codecs';

const folderWith = (name: string, bytes: Uint8Array): string => {
  const dir = mkdtempSync(join(tmpdir(), 'verdict-hostile-'));
  writeFileSync(join(dir, name), bytes);
  return dir;
};

const firstFrame = async (rel: string): Promise<{ bytes: Uint8Array; frame: Uint8Array }> => {
  const path = join(CONFORMANCE, rel);
  const bytes = new Uint8Array(await readFile(path));
  const opened = openDicom(bytes, path);
  return { bytes, frame: encapsulatedFrame(opened, instanceFromDataSet(opened, path, ''), 0).slice() };
};

const colourElements = (photometric: string, size: number, bits = 8): SyntheticElement[] =>
  withElements(ctElements({ rows: size, columns: size }), [
    [0x00080060, 'CS', 'XC'],
    [0x00280002, 'US', [3]],
    [0x00280004, 'CS', photometric],
    [0x00280006, 'US', [0]],
    [0x00280100, 'US', [bits]],
    [0x00280101, 'US', [bits]],
    [0x00280103, 'US', [0]],
  ]);

describe('JPEG baseline colour: YCbCr or RGB (item 2)', () => {
  const SIZE = 16;
  // A grey tile (v, v, v), v = 90…150 along each row, stored WITHOUT the colour transform, as
  // the DICOM writer in the report did. sharp always applies the transform, so we hand it the
  // RGB whose YCbCr is (v, v, v): its three stored components are then v, v, v.
  const greyStoredAsRgb = async (): Promise<Uint8Array> => {
    const rgb = new Uint8Array(SIZE * SIZE * 3);
    for (let i = 0; i < SIZE * SIZE; i++) {
      const v = 90 + (i % SIZE) * 4;
      const c = v - 128;
      rgb.set([v + 1.402 * c, v - 0.344136 * c - 0.714136 * c, v + 1.772 * c].map(Math.round), 3 * i);
    }
    const jpg = await sharp(Buffer.from(rgb), { raw: { width: SIZE, height: SIZE, channels: 3 } })
      .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
      .toBuffer();
    return new Uint8Array(jpg);
  };

  /** Segments before the scan, by marker; used to patch component ids and add APPn markers. */
  const segments = (b: Uint8Array): { marker: number; at: number; length: number }[] => {
    const out = [];
    for (let i = 2; i + 4 <= b.length;) {
      const marker = b[i + 1];
      const length = (b[i + 2] << 8) | b[i + 3];
      out.push({ marker, at: i, length });
      if (marker === 0xda) break;
      i += 2 + length;
    }
    return out;
  };

  const withIds = (jpg: Uint8Array, ids: [number, number, number]): Uint8Array => {
    const b = jpg.slice();
    for (const s of segments(b)) {
      if (s.marker === 0xc0) ids.forEach((id, k) => (b[s.at + 4 + 6 + 3 * k] = id)); // SOF0 component specs
      if (s.marker === 0xda) ids.forEach((id, k) => (b[s.at + 4 + 1 + 2 * k] = id)); // SOS component selectors
    }
    return b;
  };

  const withSegment = (jpg: Uint8Array, segment: number[]): Uint8Array => Uint8Array.from([0xff, 0xd8, ...segment, ...jpg.subarray(2)]);
  const APP14_NO_TRANSFORM = [0xff, 0xee, 0, 14, ...'Adobe'.split('').map((c) => c.charCodeAt(0)), 0, 100, 0, 0, 0, 0, 0];
  const APP0_JFIF = [0xff, 0xe0, 0, 16, ...'JFIF'.split('').map((c) => c.charCodeAt(0)), 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];

  const decoded = async (jpg: Uint8Array, photometric: string) => {
    const file = writeDicom({ transferSyntax: '1.2.840.10008.1.2.4.50', elements: colourElements(photometric, SIZE), fragments: [jpg] });
    const [frame] = await decodeFramesFromBytes(file, 'tile.dcm');
    const px = frame.pixels as Uint8Array;
    let spread = 0; // how far from grey: the largest difference between a pixel's channels
    for (let i = 0; i < px.length; i += 3)
      spread = Math.max(spread, Math.abs(px[i] - px[i + 1]), Math.abs(px[i + 1] - px[i + 2]), Math.abs(px[i] - px[i + 2]));
    return { spread, first: Array.from(px.subarray(0, 3)) };
  };

  it('sharp wrote no JFIF or Adobe marker (the precondition of the cases below)', async () => {
    const markers = segments(await greyStoredAsRgb()).map((s) => s.marker);
    expect(markers).not.toContain(0xe0);
    expect(markers).not.toContain(0xee);
  });

  it('PhotometricInterpretation RGB, no APP14, component ids 0/1/2: decoded grey, not magenta', async () => {
    const { spread, first } = await decoded(withIds(await greyStoredAsRgb(), [0, 1, 2]), 'RGB');
    expect(spread).toBeLessThanOrEqual(3);
    expect(first.every((v) => Math.abs(v - 90) <= 2)).toBe(true);
  });

  it('the same stream under YBR_FULL_422 is converted as YCbCr (far from grey)', async () => {
    expect((await decoded(withIds(await greyStoredAsRgb(), [0, 1, 2]), 'YBR_FULL_422')).spread).toBeGreaterThan(40);
  });

  it("component ids 'R','G','B' mean RGB whatever the header says", async () => {
    expect((await decoded(withIds(await greyStoredAsRgb(), [0x52, 0x47, 0x42]), 'YBR_FULL_422')).spread).toBeLessThanOrEqual(3);
  });

  it('an Adobe APP14 marker with transform 0 means RGB', async () => {
    expect(
      (await decoded(withSegment(withIds(await greyStoredAsRgb(), [1, 2, 3]), APP14_NO_TRANSFORM), 'YBR_FULL')).spread,
    ).toBeLessThanOrEqual(3);
  });

  it('a JFIF APP0 marker means YCbCr, even under RGB', async () => {
    expect((await decoded(withSegment(withIds(await greyStoredAsRgb(), [0, 1, 2]), APP0_JFIF), 'RGB')).spread).toBeGreaterThan(40);
  });
});

describe('a JPEG-LS stream that ties CharLS up (item 3)', () => {
  afterEach(() => setDecodeTimeLimitForTest(undefined));
  const LS = 'dicom-parser/encapsulated/single-frame/CT1_UNC.not_fragmented_no_bot_jpeg_ls.80.dcm';

  it('CharLS is stopped at its time limit off the main thread, which keeps running; the next decode works', async () => {
    // The frame cut to 60% of its length: CharLS spins for 12–30 s on it here before giving up.
    const { bytes, frame } = await firstFrame(LS);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const started = performance.now();
    await expect(runWasmDecode('charls', frame.subarray(0, Math.floor(frame.length * 0.6)), { timeLimitMs: 500 })).rejects.toThrow(
      /took longer than 500 ms and was stopped/,
    );
    const took = performance.now() - started;
    clearInterval(ticker);
    expect(took).toBeLessThan(3000);
    expect(ticks).toBeGreaterThan(took / 10 / 4); // the event loop went on turning meanwhile
    const [ok] = await decodeFramesFromBytes(bytes, 'ct1.dcm');
    expect([ok.rows, ok.columns]).toEqual([512, 512]);
  });

  it('a file whose decode runs past the limit is refused by name', async () => {
    const { bytes } = await firstFrame(LS);
    setDecodeTimeLimitForTest(1); // a real decode takes ~10–50 ms: this one is stopped
    await expect(decodeFramesFromBytes(bytes, 'slow.dcm')).rejects.toMatchObject({
      code: 'dicom.decode-failed',
      message: expect.stringMatching(/^slow\.dcm: frame 1 .* could not be decoded: the decoder took longer than 1 ms and was stopped\.$/),
    });
  });

  it('a JPEG-LS file cut short inside its codestream is refused at import in well under a second, by name', async () => {
    const { bytes } = await firstFrame(LS);
    const cut = bytes.subarray(0, Math.floor(bytes.length * 0.6));
    const started = performance.now();
    const scan = await scanDicomFolder(folderWith('cut-ls.dcm', cut));
    expect(performance.now() - started).toBeLessThan(1500);
    expect(scan.refused).toEqual([
      expect.objectContaining({ code: 'dicom.decode-failed', reason: expect.stringMatching(/cut-ls\.dcm: .*cut short/) }),
    ]);
  });
});

describe('nothing is imported that the viewer then refuses (item 4)', () => {
  /** RLE (PS3.5 G.3) with literal runs only: the simplest valid coding of each byte plane. */
  const rleFrame = (planes: Uint8Array[]): Uint8Array => {
    const coded = planes.map((p) => {
      const out: number[] = [];
      for (let i = 0; i < p.length; i += 128) out.push(Math.min(128, p.length - i) - 1, ...p.subarray(i, i + 128));
      if (out.length % 2) out.push(0x80); // −128 is a no-op: pads the segment to even length
      return out;
    });
    const header = new Uint8Array(64);
    const v = new DataView(header.buffer);
    v.setUint32(0, planes.length, true);
    let offset = 64;
    coded.forEach((c, k) => {
      v.setUint32(4 + 4 * k, offset, true);
      offset += c.length;
    });
    return Uint8Array.from([...header, ...coded.flat()]);
  };

  it('16-bit colour RLE is imported and shown, scaled to 8 bits', async () => {
    // 4×4 RGB, 16-bit samples: red ramps 0…0xF000, green is 0x8080, blue 0xFFFF.
    const n = 16;
    const samples = [Array.from({ length: n }, (_, i) => i * 0x1000), Array(n).fill(0x8080), Array(n).fill(0xffff)];
    const planes = samples.flatMap((s) => [Uint8Array.from(s, (x) => x >> 8), Uint8Array.from(s, (x) => x & 0xff)]); // MSB plane first
    const file = writeDicom({
      transferSyntax: '1.2.840.10008.1.2.5',
      elements: colourElements('RGB', 4, 16),
      fragments: [rleFrame(planes)],
    });
    const scan = await scanDicomFolder(folderWith('rgb16.dcm', file));
    expect(scan.refused).toEqual([]);
    const [frame] = await decodeFramesFromBytes(file, 'rgb16.dcm', [0]);
    expect(frame.kind).toBe('rgb');
    const px = Array.from(frame.pixels);
    expect(px.filter((_, i) => i % 3 === 0)).toEqual(samples[0].map((x) => x >> 8));
    expect(px.filter((_, i) => i % 3 === 1).every((g) => g === 0x80)).toBe(true);
    expect(px.filter((_, i) => i % 3 === 2).every((b) => b === 0xff)).toBe(true);
  });

  it('a JPEG 2000 stream with a sequence delimiter spliced into it is refused at import, not by the viewer', async () => {
    const { bytes, frame } = await firstFrame(
      'cornerstone-loader/CTImage.dcm_JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90.dcm',
    );
    // Rebuild the file with 8 bytes (FFFE,E0DD) + length 0 in the middle of its one fragment.
    const path = join(CONFORMANCE, 'cornerstone-loader/CTImage.dcm_JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90.dcm');
    const el = openDicom(bytes, path).dataSet.elements.x7fe00010;
    const fragment = el.fragments![0];
    const mid = fragment.position + (fragment.length >> 1);
    const spliced = Uint8Array.from([...bytes.subarray(0, mid), 0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0, ...bytes.subarray(mid)]);
    new DataView(spliced.buffer).setUint32(fragment.position - 4, fragment.length + 8, true);
    expect(frame.length).toBe(fragment.length);
    const scan = await scanDicomFolder(folderWith('j2k-delimiter.dcm', spliced));
    expect(scan.instances).toEqual([]);
    expect(scan.refused).toEqual([
      expect.objectContaining({ code: 'dicom.decode-failed', reason: expect.stringMatching(/j2k-delimiter\.dcm: .*codestream is 0×0×0/) }),
    ]);
  });
});
