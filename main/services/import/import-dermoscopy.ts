// Dermoscopy part of an import: each image becomes a case with its diagnosis (when a labels
// file names it) and its ISIC Task 2 attribute masks and Task 1 segmentation.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { ImportedCase } from '../../../app/domain';
import { VerdictError } from '../../../app/errors';
import { decodeMask, readImageSize, type DermoscopyImage, type DermoscopyScan } from '../imaging/isic';
import { dermoImageExists, insertCase, insertDermoImage, insertDermoTruth, type NewMask } from './case-writer';
import type { ImportRun } from './import-run';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function readMasks(image: DermoscopyImage, size: { width: number; height: number }, run: ImportRun): Promise<NewMask[]> {
  const sources = [
    ...image.masks.map((m) => ({ name: m.attribute, kind: 'attribute' as const, path: m.path })),
    ...(image.segmentation ? [{ name: 'segmentation', kind: 'segmentation' as const, path: image.segmentation }] : []),
  ];
  const masks: NewMask[] = [];
  for (const s of sources) {
    try {
      const decoded = await decodeMask(s.path, size);
      masks.push({ ...s, sha256: sha256(await readFile(s.path)), area: decoded.area });
    } catch (e) {
      if (!(e instanceof VerdictError)) throw e;
      run.report.refused.push({ path: s.path, code: e.code, reason: e.message });
    }
  }
  return masks;
}

export async function importDermoscopy(db: Database, scan: DermoscopyScan, run: ImportRun): Promise<void> {
  const unlabelled: string[] = [];
  let done = 0;
  for (const image of scan.images) {
    run.checkCancelled();
    run.progress('saving', done++, scan.images.length, image.path);
    const bytes = await readFile(image.path);
    if (bytes.length === 0) {
      run.report.refused.push({ path: image.path, code: 'isic.bad-image', reason: `${basename(image.path)}: empty file (0 bytes)` });
      continue;
    }
    const hash = sha256(bytes);
    if (dermoImageExists(db, hash)) {
      run.report.skipped.push({ path: image.path, reason: 'this image is already in the study' });
      continue;
    }
    let size: { width: number; height: number };
    try {
      size = await readImageSize(image.path);
    } catch (e) {
      if (!(e instanceof VerdictError)) throw e;
      run.report.refused.push({ path: image.path, code: e.code, reason: e.message });
      continue;
    }
    const masks = await readMasks(image, size, run);
    if (!image.label) unlabelled.push(image.imageId);
    const isIsic = /^ISIC_\d+$/.test(image.imageId) || image.label !== undefined;
    const stored = db.transaction(() => {
      const c = insertCase(db, {
        source: isIsic ? 'isic' : 'other',
        modality: 'dermoscopy',
        sourceRef: image.imageId,
        subjectKey: null,
        lesionKey: image.label?.lesionId ?? null,
        jobId: run.jobId,
        now: run.now(),
      });
      const imageId = insertDermoImage(
        db,
        c.caseId,
        { path: image.path, sha256: hash, sizeBytes: bytes.length, ...size, kind: 'dermoscopy' },
        masks,
      );
      const labelFile = scan.labelFiles[0]?.path;
      if (image.label && labelFile) insertDermoTruth(db, c.caseId, image.label, labelFile);
      return { ...c, imageId };
    })();
    const imported: ImportedCase = {
      caseId: stored.caseId,
      label: stored.label,
      source: isIsic ? 'isic' : 'other',
      series: [],
      nodules: 0,
      readers: 0,
      images: 1,
    };
    run.report.cases.push(imported);
  }
  if (unlabelled.length > 0) {
    const names = unlabelled.slice(0, 5).join(', ') + (unlabelled.length > 5 ? ', …' : '');
    run.report.warnings.push(`${unlabelled.length} dermoscopic image(s) have no diagnosis in any labels file (${names}).`);
  }
  // Ground truth is never lost silently: every CSV not read and every label row left out is listed.
  for (const csv of scan.skippedCsvs) run.report.skipped.push(csv);
  for (const row of scan.badLabelRows)
    run.report.refused.push({ path: `${row.path}:${row.line}`, code: 'isic.bad-labels', reason: row.reason });
  for (const orphan of scan.orphanMasks) run.report.skipped.push({ path: orphan, reason: `mask without its image (${basename(orphan)})` });
  for (const dup of scan.duplicates) run.report.skipped.push({ path: dup, reason: 'a second file with the same image id' });
}
