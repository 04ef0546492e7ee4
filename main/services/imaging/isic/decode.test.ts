import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, test } from 'vitest';
import { VerdictError } from '../../../../app/errors';
import { decodeMask, decodeRgb, readImageSize } from './decode';
import { HAM_DIR, TASK2_ATTRIBUTES, TASK2_DIR } from './test-data';

const task2 = (suffix: string) => join(TASK2_DIR, `ISIC_0000000${suffix}`);
const tmp = mkdtempSync(join(tmpdir(), 'verdict-isic-decode-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const failure = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => {
      throw new Error('expected a VerdictError');
    },
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(VerdictError);
  return e as VerdictError;
};

describe('decodeRgb', () => {
  test('ISIC_0000000.jpg: 1022×767 RGBA, opaque', async () => {
    const img = await decodeRgb(task2('.jpg'));
    expect([img.width, img.height]).toEqual([1022, 767]);
    expect(img.rgba).toBeInstanceOf(Uint8Array);
    expect(img.rgba.length).toBe(1022 * 767 * 4);
    expect(img.rgba.every((v, i) => i % 4 !== 3 || v === 255)).toBe(true);
  });

  test('a HAM10000 image: 224×224', async () => {
    const img = await decodeRgb(join(HAM_DIR, 'ISIC_0024306.jpg'));
    expect([img.width, img.height, img.rgba.length]).toEqual([224, 224, 224 * 224 * 4]);
  });

  test('a greyscale PNG becomes grey RGBA', async () => {
    const path = join(tmp, 'grey.png');
    writeFileSync(
      path,
      await sharp(Buffer.from([10, 20, 30, 40]), { raw: { width: 2, height: 2, channels: 1 } })
        .toColourspace('b-w')
        .png()
        .toBuffer(),
    );
    const img = await decodeRgb(path);
    expect([...img.rgba]).toEqual([10, 10, 10, 255, 20, 20, 20, 255, 30, 30, 30, 255, 40, 40, 40, 255]);
  });

  test('a truncated JPEG is isic.bad-image naming the file', async () => {
    const jpeg = readFileSync(join(HAM_DIR, 'ISIC_0024306.jpg'));
    const path = join(tmp, 'ISIC_truncated.jpg');
    writeFileSync(path, jpeg.subarray(0, jpeg.length / 2));
    const e = await failure(decodeRgb(path));
    expect(e.code).toBe('isic.bad-image');
    expect(e.message).toMatch(/^ISIC_truncated\.jpg: cannot decode the image \(.*premature end of JPEG/);
    expect(e.detail).toEqual({ path });
  });

  test('not an image at all', async () => {
    const path = join(tmp, 'ISIC_text.jpg');
    writeFileSync(path, 'this is not a JPEG');
    const e = await failure(decodeRgb(path));
    expect(e.code).toBe('isic.bad-image');
    expect(e.message).toMatch(/^ISIC_text\.jpg: cannot decode the image/);
  });

  test('a missing file is file.not-found', async () => {
    const e = await failure(decodeRgb(join(tmp, 'absent.jpg')));
    expect(e.code).toBe('file.not-found');
  });
});

describe('decodeMask', () => {
  test("ISIC_0000000's five attribute masks and segmentation decode at the image size", async () => {
    const size = await readImageSize(task2('.jpg'));
    expect(size).toEqual({ width: 1022, height: 767 });
    const areas: Record<string, number> = {};
    for (const a of TASK2_ATTRIBUTES) {
      const m = await decodeMask(task2(`_attribute_${a}.png`), size);
      expect([m.width, m.height, m.mask.length]).toEqual([1022, 767, 1022 * 767]);
      expect(m.mask.every((v) => v === 0 || v === 1)).toBe(true);
      areas[a] = m.area;
    }
    // This case shows a pigment network only; the other four masks are empty.
    expect(areas).toEqual({ globules: 0, milia_like_cyst: 0, negative_network: 0, pigment_network: 165537, streaks: 0 });
    const seg = await decodeMask(task2('_segmentation.png'), size);
    expect(seg.area).toBe(368211);
    // Attributes lie within the lesion: ~95 % of the pigment network is inside the segmentation.
    const pn = await decodeMask(task2('_attribute_pigment_network.png'));
    let inside = 0;
    for (let i = 0; i < pn.mask.length; i++) inside += pn.mask[i] & seg.mask[i];
    expect(inside / pn.area).toBeGreaterThan(0.9);
  });

  test('a mask of another size than its image names both sizes', async () => {
    const size = await readImageSize(join(HAM_DIR, 'ISIC_0024306.jpg'));
    const e = await failure(decodeMask(task2('_segmentation.png'), size));
    expect(e.code).toBe('isic.bad-image');
    expect(e.message).toBe('ISIC_0000000_segmentation.png: mask is 1022×767 but its image is 224×224');
  });

  test('a corrupt mask', async () => {
    const path = join(tmp, 'ISIC_x_segmentation.png');
    writeFileSync(path, readFileSync(task2('_segmentation.png')).subarray(0, 200));
    const e = await failure(decodeMask(path));
    expect(e.code).toBe('isic.bad-image');
    expect(e.message).toMatch(/^ISIC_x_segmentation\.png: cannot decode the mask/);
  });
});
