// Finds what a dermoscopy folder holds, following the ISIC release naming: images
// `<imageId>.jpg|.png`, attribute masks `<imageId>_attribute_<name>.png` (ISIC 2018 Task 2),
// segmentations `<imageId>_segmentation.png` (Task 1), and label CSVs in either form.
// The search is recursive because the ISIC releases ship images, masks and labels in separate
// sibling folders; files are paired by image id wherever they sit.

import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { VerdictError } from '../../../../app/errors';
import { csvDelimiter, decodeCsvText } from './csv-text';
import { readIsicLabels } from './parse-labels';
import type { AttributeMask, BadLabelRow, DermoscopyImage, DermoscopyScan, IsicLabel, LabelFile } from './types';

const IMAGE_EXT: Readonly<Record<string, 'jpeg' | 'png'>> = { '.jpg': 'jpeg', '.jpeg': 'jpeg', '.png': 'png' };
const ATTRIBUTE = /^(.+)_attribute_(.+)\.png$/i;
const SEGMENTATION = /^(.+)_segmentation\.png$/i;
// ISIC 2018 Task 1–2 inputs ship `<id>_superpixels.png` (superpixel indices packed in RGB):
// not a photograph, so never listed as an image.
const SUPERPIXELS = /_superpixels\.png$/i;

async function listFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name))
      .sort();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new VerdictError('file.not-found', `${dir} is not a folder`, { path: dir });
    throw e;
  }
}

/** The first CSV record, or null when the file is not CSV at all. */
function headerOf(text: string): string[] | null {
  try {
    const rows = parse(text, { bom: true, to_line: 1, relax_column_count: true, delimiter: csvDelimiter(text) }) as string[][];
    return rows[0] ?? null;
  } catch {
    return null;
  }
}

type CsvOutcome = { labels: LabelFile & { found: Map<string, IsicLabel> }; badRows: BadLabelRow[] } | { skipped: string };

/** Reads one .csv: its labels and bad rows, or why it was not read as a labels file. */
async function readCsv(path: string): Promise<CsvOutcome> {
  const text = decodeCsvText(await readFile(path));
  const header = headerOf(text);
  if (!header) return { skipped: 'a .csv file that could not be read as CSV' };
  try {
    const { form, labels: found, badRows } = readIsicLabels(text, path);
    return {
      labels: { path, form, count: found.size, found },
      badRows: badRows.map((e) => ({ path, line: Number(e.detail?.line ?? 0), reason: e.message })),
    };
  } catch (e) {
    if (!(e instanceof VerdictError)) throw e;
    const why = e.message.startsWith(`${path}: `) ? e.message.slice(path.length + 2) : e.message;
    // A file with an image or dx column was probably meant as labels: say so more plainly.
    const labelsLike = header.some((h) => ['image_id', 'image', 'dx'].includes(h.trim().toLowerCase()));
    return { skipped: `${labelsLike ? 'not read as ISIC labels' : 'not an ISIC labels file'}: ${why}` };
  }
}

export async function scanDermoscopyFolder(dir: string): Promise<DermoscopyScan> {
  const files = await listFiles(dir);
  const images = new Map<string, DermoscopyImage>();
  const masks: { imageId: string; mask: AttributeMask }[] = [];
  const segmentations: { imageId: string; path: string }[] = [];
  const dicomCandidates: string[] = [];
  const labelFiles: LabelFile[] = [];
  const labels = new Map<string, { label: IsicLabel; path: string }>();
  const duplicates: string[] = [];
  const skippedCsvs: { path: string; reason: string }[] = [];
  const badLabelRows: BadLabelRow[] = [];

  for (const path of files) {
    const name = basename(path);
    const ext = extname(name).toLowerCase();
    const attribute = ATTRIBUTE.exec(name);
    const segmentation = SEGMENTATION.exec(name);
    if (attribute) {
      masks.push({ imageId: attribute[1], mask: { attribute: attribute[2], path } });
    } else if (segmentation) {
      segmentations.push({ imageId: segmentation[1], path });
    } else if (SUPERPIXELS.test(name)) {
      continue;
    } else if (IMAGE_EXT[ext]) {
      const imageId = name.slice(0, -ext.length);
      if (images.has(imageId)) duplicates.push(path);
      else images.set(imageId, { imageId, path, format: IMAGE_EXT[ext], masks: [] });
    } else if (ext === '.dcm') {
      dicomCandidates.push(path);
    } else if (ext === '.csv') {
      // Every CSV is accounted for: read as labels (bad rows listed), or skipped with a reason.
      const read = await readCsv(path);
      if ('skipped' in read) {
        skippedCsvs.push({ path, reason: read.skipped });
        continue;
      }
      const { found, ...file } = read.labels;
      labelFiles.push(file);
      badLabelRows.push(...read.badRows);
      for (const [imageId, label] of found) mergeLabel(labels, imageId, label, path);
    }
  }

  const orphanMasks: string[] = [];
  for (const { imageId, mask } of masks) {
    const image = images.get(imageId);
    if (image) image.masks.push(mask);
    else orphanMasks.push(mask.path);
  }
  for (const { imageId, path } of segmentations) {
    const image = images.get(imageId);
    if (image && !image.segmentation) image.segmentation = path;
    else orphanMasks.push(path);
  }
  const sorted = [...images.values()].sort((a, b) => (a.imageId < b.imageId ? -1 : a.imageId > b.imageId ? 1 : 0));
  for (const image of sorted) {
    image.masks.sort((a, b) => (a.attribute < b.attribute ? -1 : 1));
    const label = labels.get(image.imageId)?.label;
    if (label) image.label = label;
  }
  return { dir, images: sorted, dicomCandidates, labelFiles, orphanMasks: orphanMasks.sort(), duplicates, skippedCsvs, badLabelRows };
}

/** Two label files may both list an image (metadata + Task 3 truth); they must agree on dx. */
function mergeLabel(labels: Map<string, { label: IsicLabel; path: string }>, imageId: string, label: IsicLabel, path: string): void {
  const prev = labels.get(imageId);
  if (!prev) {
    labels.set(imageId, { label, path });
    return;
  }
  if (prev.label.dx !== label.dx) {
    throw new VerdictError('isic.bad-labels', `${path}: image ${imageId} is ${label.dx} here but ${prev.label.dx} in ${prev.path}`, {
      source: path,
      other: prev.path,
      imageId,
    });
  }
  // Keep the richer record (the metadata form has lesion, age, sex, site).
  labels.set(imageId, { label: { ...label, ...prev.label }, path: prev.path });
}
