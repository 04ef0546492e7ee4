// Write side of the study database for imported cases. Each function is called inside the
// import's per-case transaction, so a case is stored whole or not at all.
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { CaseModality, CaseSource } from '../../../app/domain';
import type { DicomInstance, SeriesPlan } from '../imaging/dicom';
import type { IsicLabel } from '../imaging/isic';
import type { LidcTruth } from './lidc-truth';

const LABEL_PREFIX: Record<CaseModality, string> = { CT: 'CT', dermoscopy: 'Derm', other: 'Case' };

/** Neutral, sequential labels (CT-001, Derm-001…): readers never see dataset or patient IDs. */
function nextLabel(db: Database, modality: CaseModality): string {
  const prefix = LABEL_PREFIX[modality];
  const row = db
    .prepare("SELECT max(CAST(substr(label, length(?) + 2) AS INTEGER)) AS n FROM study_case WHERE label LIKE ? || '-%'")
    .get(prefix, prefix) as { n: number | null };
  return `${prefix}-${String((row.n ?? 0) + 1).padStart(3, '0')}`;
}

/** A one-way key of the patient ID, so cases can be split by patient without storing the ID. */
export const subjectKey = (patientId: string | null) =>
  patientId ? createHash('sha256').update(`verdict-subject\0${patientId}`).digest('hex').slice(0, 24) : null;

type NewCase = {
  source: CaseSource;
  modality: CaseModality;
  sourceRef: string | null;
  subjectKey: string | null;
  lesionKey: string | null;
  jobId: string;
  now: string;
};

export function insertCase(db: Database, c: NewCase): { caseId: number; label: string } {
  const label = nextLabel(db, c.modality);
  const r = db
    .prepare(
      `INSERT INTO study_case (label, source, modality, source_ref, subject_key, lesion_key, import_job_id, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(label, c.source, c.modality, c.sourceRef, c.subjectKey, c.lesionKey, c.jobId, c.now);
  return { caseId: Number(r.lastInsertRowid), label };
}

export function seriesExists(db: Database, seriesUid: string): boolean {
  return db.prepare('SELECT 1 FROM series WHERE series_uid = ?').get(seriesUid) !== undefined;
}

/** A DICOM instance with the size of its file, as the image table records it. */
export type StoredInstance = DicomInstance & { sizeBytes: number };

export function insertSeries(db: Database, caseId: number, plan: SeriesPlan, instances: Map<string, StoredInstance>): number {
  const first = instances.get(plan.slices[0].path)!;
  const r = db
    .prepare(
      `INSERT INTO series (case_id, series_uid, study_uid, modality, description, manufacturer, study_date, rows, columns,
      slice_count, pixel_spacing_row, pixel_spacing_col, slice_spacing, slice_thickness, orientation_json, gaps_after_json, warnings_json,
      window_center, window_width, transfer_syntax)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      caseId,
      plan.seriesInstanceUid,
      plan.studyInstanceUid,
      plan.modality ?? 'OT',
      plan.description ?? '',
      first.manufacturer,
      first.studyDate,
      plan.rows,
      plan.columns,
      plan.slices.length,
      plan.pixelSpacing?.[0] ?? null,
      plan.pixelSpacing?.[1] ?? null,
      plan.sliceSpacing,
      plan.sliceThickness,
      plan.orientation ? JSON.stringify(plan.orientation) : null,
      JSON.stringify(plan.gapsAfter),
      JSON.stringify(plan.warnings),
      plan.window?.center ?? null,
      plan.window?.width ?? null,
      `${first.transferSyntaxUid} (${first.transferSyntaxName})`,
    );
  const seriesId = Number(r.lastInsertRowid);
  const image =
    db.prepare(`INSERT INTO image (case_id, series_id, kind, path, sha256, size_bytes, frame, slice_index, sop_uid, instance_number,
      position_json, slice_position, transfer_syntax, rows, columns, rescale_slope, rescale_intercept)
    VALUES (?, ?, 'ct-slice', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  plan.slices.forEach((s, index) => {
    const inst = instances.get(s.path)!;
    const frame = inst.frames?.[s.frame];
    image.run(
      caseId,
      seriesId,
      s.path,
      inst.sha256,
      inst.sizeBytes,
      s.frame,
      index,
      s.sopInstanceUid,
      inst.instanceNumber,
      s.position ? JSON.stringify(s.position) : null,
      s.z,
      inst.transferSyntaxUid,
      inst.rows,
      inst.columns,
      frame?.rescaleSlope ?? inst.rescaleSlope,
      frame?.rescaleIntercept ?? inst.rescaleIntercept,
    );
  });
  return seriesId;
}

const CHARACTERISTIC_COLUMNS =
  'subtlety, internal_structure, calcification, sphericity, margin, lobulation, spiculation, texture, malignancy';

export function insertLidcTruth(db: Database, caseId: number, xml: { path: string; sha256: string }, truth: LidcTruth): void {
  const readingIds = new Map<number, number>();
  const reading = db.prepare('INSERT INTO lidc_reading (case_id, xml_path, xml_sha256, reader, radiologist_id) VALUES (?, ?, ?, ?, ?)');
  for (const r of truth.readers)
    readingIds.set(r.reader, Number(reading.run(caseId, xml.path, xml.sha256, r.reader, r.radiologistId).lastInsertRowid));
  const nodule =
    db.prepare(`INSERT INTO nodule (case_id, label, reader_count, centroid_x, centroid_y, centroid_slice, largest_slice, diameter_mm, median_malignancy)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const mark =
    db.prepare(`INSERT INTO lidc_mark (reading_id, nodule_id, kind, reader_nodule_id, ${CHARACTERISTIC_COLUMNS}, point_x, point_y, point_slice)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const contour = db.prepare(
    'INSERT INTO lidc_contour (mark_id, slice_index, sop_uid, z, inclusion, points_json) VALUES (?, ?, ?, ?, ?, ?)',
  );
  truth.nodules.forEach((n, i) => {
    const noduleId = Number(
      nodule.run(
        caseId,
        `Nodule ${i + 1}`,
        n.readerCount,
        n.centroid.x,
        n.centroid.y,
        n.centroid.sliceIndex,
        n.largestSliceIndex,
        n.diameterMm,
        n.medianMalignancy,
      ).lastInsertRowid,
    );
    for (const m of n.marks) {
      const c = m.characteristics;
      const values = c
        ? [c.subtlety, c.internalStructure, c.calcification, c.sphericity, c.margin, c.lobulation, c.spiculation, c.texture, c.malignancy]
        : Array(9).fill(null);
      const markId = Number(
        mark.run(readingIds.get(m.reader), noduleId, 'nodule', m.readerNoduleId, ...values, null, null, null).lastInsertRowid,
      );
      for (const ct of m.contours)
        contour.run(markId, ct.sliceIndex, ct.sopInstanceUid, ct.z, ct.inclusion ? 1 : 0, JSON.stringify(ct.points));
    }
  });
  for (const p of truth.points) mark.run(readingIds.get(p.reader), null, p.kind, p.id, ...Array(9).fill(null), p.x, p.y, p.sliceIndex);
}

export type NewDermoImage = {
  path: string;
  sha256: string;
  sizeBytes: number;
  width: number;
  height: number;
  kind: 'dermoscopy' | 'dicom-image';
};
export type NewMask = { name: string; kind: 'attribute' | 'segmentation'; path: string; sha256: string; area: number };

export function insertDermoImage(db: Database, caseId: number, img: NewDermoImage, masks: NewMask[]): number {
  const r = db
    .prepare('INSERT INTO image (case_id, kind, path, sha256, size_bytes, rows, columns) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(caseId, img.kind, img.path, img.sha256, img.sizeBytes, img.height, img.width);
  const imageId = Number(r.lastInsertRowid);
  const mask = db.prepare('INSERT INTO mask (image_id, name, kind, path, sha256, area) VALUES (?, ?, ?, ?, ?, ?)');
  for (const m of masks) mask.run(imageId, m.name, m.kind, m.path, m.sha256, m.area);
  return imageId;
}

export function insertDermoTruth(db: Database, caseId: number, label: IsicLabel, labelsPath: string): void {
  db.prepare(
    'INSERT INTO dermo_truth (case_id, diagnosis, diagnosis_type, age, sex, site, dataset, labels_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(
    caseId,
    label.dx,
    label.dxType ?? null,
    label.age ?? null,
    label.sex ?? null,
    label.localization ?? null,
    label.source ?? null,
    labelsPath,
  );
}

export function dermoImageExists(db: Database, sha256: string): boolean {
  return db.prepare("SELECT 1 FROM image WHERE sha256 = ? AND kind IN ('dermoscopy', 'dicom-image')").get(sha256) !== undefined;
}
