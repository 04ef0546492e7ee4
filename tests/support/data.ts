// The real data in ../shared/data that integration tests read, and temp folders to copy it into.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
/** ../shared/data beside the repository (CI has it there too); VERDICT_SHARED_DATA overrides. */
export const sharedData = process.env.VERDICT_SHARED_DATA ?? resolve(repoRoot, '../shared/data');
export const lidc0001 = join(sharedData, 'lidc/series/LIDC-IDRI-0001');
export const xml0003 = join(sharedData, 'lidc/xml-only/LIDC-IDRI-0003-072.xml');
export const isicImages = join(sharedData, 'isic/ham10000-224');
export const isicLabels = join(sharedData, 'isic/labels.csv');
export const task2Example = join(sharedData, 'isic/task2-example');
export const conformance = join(sharedData, 'dicom-conformance');

export const tempDir = (prefix = 'verdict-test-') => mkdtempSync(join(tmpdir(), prefix));

/** A temp folder holding copies of the first n slices of LIDC-IDRI-0001, side by side, for tests that damage files. */
export function lidcSlices(n: number, prefix = 'verdict-lidc-'): string {
  const dir = tempDir(prefix);
  const rel = readdirSync(lidc0001, { recursive: true, encoding: 'utf8' })
    .filter((p) => p.endsWith('.dcm'))
    .sort()
    .slice(0, n);
  for (const r of rel) copyFileSync(join(lidc0001, r), join(dir, basename(r)));
  return dir;
}

/** One labelled HAM10000 image of each given diagnosis (the first in labels.csv that is in the image folder). */
export function isicImagesOf(diagnoses: readonly string[]): string[] {
  const available = new Set(readdirSync(isicImages));
  const rows = readFileSync(isicLabels, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((r) => r.split(','));
  return diagnoses.map((dx) => rows.find((r) => r[2] === dx && available.has(`${r[0]}.jpg`))![0]);
}

/** A folder holding the given ISIC images, their rows of labels.csv, and optionally ISIC_0000000 with its masks. */
export function isicFolder(imageIds: string[], withTask2Example = true): string {
  const dir = tempDir('verdict-isic-');
  mkdirSync(join(dir, 'images'));
  const [header, ...rows] = readFileSync(isicLabels, 'utf8').trim().split('\n');
  const chosen = rows.filter((r) => imageIds.includes(r.split(',')[0]));
  for (const id of imageIds) copyFileSync(join(isicImages, `${id}.jpg`), join(dir, 'images', `${id}.jpg`));
  mkdirSync(join(dir, 'meta'));
  writeFileSync(join(dir, 'meta', 'labels.csv'), [header, ...chosen].join('\n') + '\n');
  if (withTask2Example) {
    for (const f of [
      'ISIC_0000000.jpg',
      ...['globules', 'milia_like_cyst', 'negative_network', 'pigment_network', 'streaks'].map((a) => `ISIC_0000000_attribute_${a}.png`),
      'ISIC_0000000_segmentation.png',
    ]) {
      copyFileSync(join(task2Example, f), join(dir, basename(f)));
    }
  }
  return dir;
}
