import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { VerdictError } from '../../../../app/errors';
import { detectIsicLabelsForm, parseIsicLabels, readIsicLabels } from './parse-labels';
import { LABELS_CSV } from './test-data';
import type { IsicDx } from './types';

const text = readFileSync(LABELS_CSV, 'utf8');

describe('labels.csv (HAM10000 metadata + Task 3 one-hot columns)', () => {
  const { form, labels } = readIsicLabels(text, 'labels.csv');

  test('7,496 images with the README counts per diagnosis', () => {
    expect(form).toBe('ham10000');
    expect(labels.size).toBe(7496);
    const counts: Record<string, number> = {};
    for (const l of labels.values()) counts[l.dx] = (counts[l.dx] ?? 0) + 1;
    expect(counts).toEqual({ nv: 5232, bkl: 800, mel: 662, bcc: 357, akiec: 226, vasc: 115, df: 104 });
  });

  test('rows as written in the file', () => {
    // Line 2: ISIC_0024306,HAM_0000550,nv,follow_up,45,male,trunk,ham10000,0,1,0,0,0,0,0
    expect(labels.get('ISIC_0024306')).toEqual({
      dx: 'nv',
      lesionId: 'HAM_0000550',
      dxType: 'follow_up',
      age: 45,
      sex: 'male',
      localization: 'trunk',
      source: 'ham10000',
    });
    expect(labels.get('ISIC_0024400')).toMatchObject({ dx: 'mel', dxType: 'histo', age: 75, localization: 'unknown' });
    // ISIC 2018 test images carry "40.0" ages; some HAM10000 rows have no age at all.
    expect(labels.get('ISIC_0034524')).toMatchObject({ dx: 'nv', age: 40, source: 'isic2018_test' });
    expect(labels.get('ISIC_0031668')?.age).toBeUndefined();
  });
});

describe('ISIC 2018 Task 3 ground-truth form', () => {
  // Built from labels.csv rows: the first 20 and the first 3 of each class, written the way the
  // Task 3 release writes them (image,MEL,…,VASC with 1.0/0.0).
  const ham = parseIsicLabels(text, 'labels.csv');
  const order: IsicDx[] = ['mel', 'nv', 'bcc', 'akiec', 'bkl', 'df', 'vasc'];
  const perClass = new Map<IsicDx, number>();
  const picked = [...ham.entries()].filter(([, l], i) => {
    const n = perClass.get(l.dx) ?? 0;
    perClass.set(l.dx, n + 1);
    return i < 20 || n < 3;
  });
  const fixture = ['image,MEL,NV,BCC,AKIEC,BKL,DF,VASC']
    .concat(picked.map(([id, l]) => [id, ...order.map((d) => (d === l.dx ? '1.0' : '0.0'))].join(',')))
    .join('\r\n');

  test('gives the same diagnoses as the metadata form', () => {
    const { form, labels } = readIsicLabels(fixture, 'task3.csv');
    expect(form).toBe('task3');
    expect(labels.size).toBe(picked.length);
    expect(new Set([...labels.values()].map((l) => l.dx))).toEqual(new Set(order));
    for (const [id, l] of labels) expect(l).toEqual({ dx: ham.get(id)?.dx });
  });

  test('header detection', () => {
    expect(detectIsicLabelsForm(fixture.split('\r\n')[0].split(','))).toBe('task3');
    expect(detectIsicLabelsForm(text.split('\n')[0].split(','))).toBe('ham10000');
    expect(detectIsicLabelsForm(['id', 'value'])).toBeNull();
  });
});

describe('invalid label files', () => {
  const bad = (csv: string) => {
    try {
      parseIsicLabels(csv, 'study/labels.csv');
    } catch (e) {
      expect(e).toBeInstanceOf(VerdictError);
      expect((e as VerdictError).code).toBe('isic.bad-labels');
      return (e as VerdictError).message;
    }
    throw new Error('expected a VerdictError');
  };
  const t3 = 'image,MEL,NV,BCC,AKIEC,BKL,DF,VASC\nISIC_1,0,1,0,0,0,0,0\n';

  test('two classes set on one row', () => {
    expect(bad(t3 + 'ISIC_2,1.0,1.0,0,0,0,0,0\n')).toBe(
      'study/labels.csv: line 3: 2 classes set: MEL, NV; exactly one of MEL, NV, BCC, AKIEC, BKL, DF, VASC must be 1',
    );
  });
  test('no class set', () => {
    expect(bad(t3 + 'ISIC_2,0,0,0,0,0,0,0\n')).toMatch(/line 3: no class set/);
  });
  test('a one-hot value that is not 0 or 1', () => {
    expect(bad(t3 + 'ISIC_2,0,0.5,0,0,0,0,0\n')).toBe('study/labels.csv: line 3, column NV (3): "0.5" is not 0 or 1');
  });
  test('unknown diagnosis', () => {
    expect(bad('image_id,lesion_id,dx\nISIC_1,HAM_1,nv\nISIC_2,HAM_2,scc\n')).toBe(
      'study/labels.csv: line 3, column dx (3): unknown diagnosis "scc" (expected one of mel, nv, bcc, akiec, bkl, df, vasc)',
    );
  });
  test('missing image id column', () => {
    expect(bad('lesion_id,dx\nHAM_1,nv\n')).toMatch(/^study\/labels\.csv: line 1: no image_id .* column; header is: lesion_id, dx$/);
  });
  test('neither dx nor all seven classes', () => {
    expect(bad('image,MEL,NV\nISIC_1,1,0\n')).toMatch(/line 1: no dx column, and Task 3 columns missing: BCC, AKIEC, BKL, DF, VASC/);
  });
  test('dx and one-hot columns disagree', () => {
    expect(bad('image_id,dx,MEL,NV,BCC,AKIEC,BKL,DF,VASC\nISIC_1,nv,1,0,0,0,0,0,0\n')).toMatch(
      /line 2, column MEL \(3\): dx is nv but the one-hot columns say mel/,
    );
  });
  test('an image listed twice', () => {
    expect(bad(t3 + 'ISIC_1,0,1,0,0,0,0,0\n')).toMatch(/line 3, column image \(1\): image ISIC_1 already labelled on line 2/);
  });
  test('an age that is not a number', () => {
    expect(bad('image_id,dx,age\nISIC_1,nv,forty\n')).toMatch(/line 2, column age \(3\): age "forty" is not a number/);
  });
  test('a row with a missing field', () => {
    expect(bad('image_id,dx,age\nISIC_1,nv,40\nISIC_2,nv\n')).toBe('study/labels.csv: line 3: 2 field(s), but the header has 3');
  });
  test('an empty file', () => {
    expect(bad('')).toBe('study/labels.csv: line 1: empty file');
  });
});
