import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { VerdictError } from '../../../../app/errors';
import { scanDermoscopyFolder } from './scan-folder';
import { ISIC_DIR, LABELS_CSV, TASK2_ATTRIBUTES, TASK2_DIR } from './test-data';

describe('real folders', () => {
  test('task2-example: one image with five attribute masks and a segmentation', async () => {
    const scan = await scanDermoscopyFolder(TASK2_DIR);
    expect(scan.images.map((i) => i.imageId)).toEqual(['ISIC_0000000']);
    const [img] = scan.images;
    expect(img).toMatchObject({ path: join(TASK2_DIR, 'ISIC_0000000.jpg'), format: 'jpeg' });
    expect(img.masks.map((m) => m.attribute)).toEqual(TASK2_ATTRIBUTES);
    expect(img.masks[0].path).toBe(join(TASK2_DIR, 'ISIC_0000000_attribute_globules.png'));
    expect(img.segmentation).toBe(join(TASK2_DIR, 'ISIC_0000000_segmentation.png'));
    expect(img.label).toBeUndefined();
    expect(scan).toMatchObject({ dicomCandidates: [], labelFiles: [], orphanMasks: [], duplicates: [] });
  });

  test('the whole isic folder: labels.csv found and joined to the 224 px images', async () => {
    const scan = await scanDermoscopyFolder(ISIC_DIR);
    expect(scan.images).toHaveLength(7496 + 1);
    expect(scan.labelFiles).toEqual([{ path: LABELS_CSV, form: 'ham10000', count: 7496 }]);
    const byId = new Map(scan.images.map((i) => [i.imageId, i]));
    expect(byId.get('ISIC_0024306')?.label).toMatchObject({ dx: 'nv', lesionId: 'HAM_0000550' });
    expect(byId.get('ISIC_0024400')?.label?.dx).toBe('mel');
    expect(byId.get('ISIC_0000000')?.label).toBeUndefined();
    expect(scan.images.filter((i) => i.label).length).toBe(7496);
  });
});

describe('a mixed folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'verdict-isic-scan-'));
  const d2 = mkdtempSync(join(tmpdir(), 'verdict-isic-conflict-'));
  afterAll(() => [dir, d2].forEach((d) => rmSync(d, { recursive: true, force: true })));
  const put = (name: string, content = 'x') => {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  };
  put('images/ISIC_1.JPG');
  put('images/ISIC_2.png');
  put('images/ISIC_2_superpixels.png');
  put('images/derm-3.dcm');
  put('masks/ISIC_1_attribute_dots.png');
  put('masks/ISIC_1_attribute_blue_white_veil.png');
  put('masks/ISIC_9_attribute_streaks.png');
  put('masks/ISIC_2_segmentation.png');
  put('other/ISIC_1.jpeg');
  put('notes.csv', 'id,comment\n1,hello\n');
  put('truth.csv', 'image,MEL,NV,BCC,AKIEC,BKL,DF,VASC\nISIC_1,1.0,0.0,0.0,0.0,0.0,0.0,0.0\n');
  put('meta.csv', 'image_id,lesion_id,dx,age\nISIC_1,L1,mel,60\nISIC_2,L2,nv,\n');

  test('images, masks by naming convention, DICOM candidates and label files', async () => {
    const scan = await scanDermoscopyFolder(dir);
    expect(scan.images.map((i) => [i.imageId, i.format])).toEqual([
      ['ISIC_1', 'jpeg'],
      ['ISIC_2', 'png'],
    ]);
    const [one, two] = scan.images;
    expect(one.masks.map((m) => m.attribute)).toEqual(['blue_white_veil', 'dots']); // any name is accepted
    expect(two.segmentation).toBe(join(dir, 'masks/ISIC_2_segmentation.png'));
    expect(scan.dicomCandidates).toEqual([join(dir, 'images/derm-3.dcm')]);
    expect(scan.orphanMasks).toEqual([join(dir, 'masks/ISIC_9_attribute_streaks.png')]);
    expect(scan.duplicates).toEqual([join(dir, 'other/ISIC_1.jpeg')]);
    expect(scan.labelFiles.map((f) => [f.path.slice(dir.length + 1), f.form, f.count])).toEqual([
      ['meta.csv', 'ham10000', 2],
      ['truth.csv', 'task3', 1],
    ]);
    // Both files label ISIC_1 as melanoma; the metadata form's extra fields are kept.
    expect(one.label).toEqual({ dx: 'mel', lesionId: 'L1', age: 60 });
    expect(two.label).toEqual({ dx: 'nv', lesionId: 'L2' });
  });

  test('label files that disagree are an error naming both', async () => {
    writeFileSync(join(d2, 'a.csv'), 'image_id,dx\nISIC_1,mel\n');
    writeFileSync(join(d2, 'b.csv'), 'image,MEL,NV,BCC,AKIEC,BKL,DF,VASC\nISIC_1,0,1,0,0,0,0,0\n');
    const e = await scanDermoscopyFolder(d2).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VerdictError);
    expect((e as VerdictError).code).toBe('isic.bad-labels');
    expect((e as VerdictError).message).toBe(`${join(d2, 'b.csv')}: image ISIC_1 is nv here but mel in ${join(d2, 'a.csv')}`);
  });

  test('a missing folder', async () => {
    await expect(scanDermoscopyFolder(join(dir, 'nope'))).rejects.toMatchObject({ code: 'file.not-found' });
  });
});
