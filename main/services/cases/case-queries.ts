// Read side of the study database for cases: the worklist and one case in full.
import type { Database } from 'better-sqlite3';
import { VerdictError } from '../../../app/errors';
import {
  ISIC_DIAGNOSIS_NAMES,
  LIDC_CHARACTERISTICS,
  type CaseDetail,
  type CaseSummary,
  type Contour,
  type DermoImageInfo,
  type DermoTruth,
  type IsicDiagnosis,
  type LidcCharacteristics,
  type Nodule,
  type NoduleMark,
  type PointMark,
  type SeriesInfo,
} from '../../../app/domain';

const SUMMARY_SQL = `
  SELECT c.id, c.label, c.source, c.modality, c.created_at AS importedAt,
    (SELECT count(*) FROM series s WHERE s.case_id = c.id) AS seriesCount,
    (SELECT count(*) FROM image i WHERE i.case_id = c.id) AS imageCount,
    (SELECT count(*) FROM nodule n WHERE n.case_id = c.id) AS noduleCount,
    (SELECT t.diagnosis FROM dermo_truth t WHERE t.case_id = c.id) AS diagnosis
  FROM study_case c`;

export function listCases(db: Database): CaseSummary[] {
  return db.prepare(`${SUMMARY_SQL} ORDER BY c.modality, c.id`).all() as CaseSummary[];
}

export function getCase(db: Database, caseId: number): CaseDetail {
  const summary = db.prepare(`${SUMMARY_SQL} WHERE c.id = ?`).get(caseId) as CaseSummary | undefined;
  if (!summary) throw new VerdictError('not-found', `No case with id ${caseId}.`, { caseId });
  return {
    ...summary,
    series: seriesOf(db, caseId),
    nodules: nodulesOf(db, caseId),
    pointMarks: pointMarksOf(db, caseId),
    readerCount: (db.prepare('SELECT count(*) AS n FROM lidc_reading WHERE case_id = ?').get(caseId) as { n: number }).n,
    images: dermoImagesOf(db, caseId),
    truth: truthOf(db, caseId),
  };
}

type SeriesRow = {
  id: number;
  series_uid: string;
  modality: string;
  description: string;
  rows: number;
  columns: number;
  slice_count: number;
  pixel_spacing_row: number | null;
  pixel_spacing_col: number | null;
  slice_spacing: number | null;
  slice_thickness: number | null;
  gaps_after_json: string;
  warnings_json: string;
  window_center: number | null;
  window_width: number | null;
  transfer_syntax: string;
};

function seriesOf(db: Database, caseId: number): SeriesInfo[] {
  const rows = db.prepare('SELECT * FROM series WHERE case_id = ? ORDER BY id').all(caseId) as SeriesRow[];
  const positions = db.prepare('SELECT slice_position AS p FROM image WHERE series_id = ? ORDER BY slice_index');
  return rows.map((r) => ({
    id: r.id,
    seriesInstanceUid: r.series_uid,
    modality: r.modality,
    description: r.description,
    rows: r.rows,
    columns: r.columns,
    sliceCount: r.slice_count,
    pixelSpacing: r.pixel_spacing_row != null && r.pixel_spacing_col != null ? [r.pixel_spacing_row, r.pixel_spacing_col] : null,
    sliceSpacing: r.slice_spacing,
    sliceThickness: r.slice_thickness,
    slicePositions: (positions.all(r.id) as { p: number | null }[]).map((x, i) => x.p ?? i),
    gapsAfter: JSON.parse(r.gaps_after_json) as number[],
    warnings: JSON.parse(r.warnings_json) as string[],
    window: r.window_center != null && r.window_width != null ? { center: r.window_center, width: r.window_width } : null,
    transferSyntax: r.transfer_syntax,
  }));
}

type MarkRow = { id: number; nodule_id: number; reader: number; reader_nodule_id: string } & Record<string, number | null>;

const CHARACTERISTIC_COLUMNS: Record<keyof LidcCharacteristics, string> = {
  subtlety: 'subtlety',
  internalStructure: 'internal_structure',
  calcification: 'calcification',
  sphericity: 'sphericity',
  margin: 'margin',
  lobulation: 'lobulation',
  spiculation: 'spiculation',
  texture: 'texture',
  malignancy: 'malignancy',
};

function characteristicsOf(row: MarkRow): LidcCharacteristics | null {
  if (row.malignancy == null) return null;
  const out = {} as LidcCharacteristics;
  for (const k of LIDC_CHARACTERISTICS) out[k] = row[CHARACTERISTIC_COLUMNS[k]] as number;
  return out;
}

function nodulesOf(db: Database, caseId: number): Nodule[] {
  const nodules = db.prepare('SELECT * FROM nodule WHERE case_id = ? ORDER BY id').all(caseId) as {
    id: number;
    label: string;
    reader_count: number;
    centroid_x: number;
    centroid_y: number;
    centroid_slice: number;
    largest_slice: number;
    diameter_mm: number | null;
    median_malignancy: number | null;
  }[];
  const marks = db
    .prepare(
      `SELECT m.*, r.reader FROM lidc_mark m JOIN lidc_reading r ON r.id = m.reading_id
    WHERE r.case_id = ? AND m.nodule_id IS NOT NULL ORDER BY r.reader, m.id`,
    )
    .all(caseId) as MarkRow[];
  const contours = db
    .prepare(
      `SELECT c.mark_id, c.slice_index, c.inclusion, c.points_json FROM lidc_contour c
    JOIN lidc_mark m ON m.id = c.mark_id JOIN lidc_reading r ON r.id = m.reading_id WHERE r.case_id = ? ORDER BY c.id`,
    )
    .all(caseId) as { mark_id: number; slice_index: number; inclusion: number; points_json: string }[];
  const contoursByMark = new Map<number, Contour[]>();
  for (const c of contours) {
    const list = contoursByMark.get(c.mark_id) ?? [];
    list.push({ sliceIndex: c.slice_index, inclusion: c.inclusion === 1, points: JSON.parse(c.points_json) as number[] });
    contoursByMark.set(c.mark_id, list);
  }
  return nodules.map((n) => ({
    id: n.id,
    label: n.label,
    readerCount: n.reader_count,
    centroid: { x: n.centroid_x, y: n.centroid_y, sliceIndex: n.centroid_slice },
    largestSliceIndex: n.largest_slice,
    diameterMm: n.diameter_mm,
    medianMalignancy: n.median_malignancy,
    marks: marks
      .filter((m) => m.nodule_id === n.id)
      .map((m): NoduleMark => ({
        reader: m.reader,
        readerNoduleId: m.reader_nodule_id,
        characteristics: characteristicsOf(m),
        contours: contoursByMark.get(m.id) ?? [],
      })),
  }));
}

function pointMarksOf(db: Database, caseId: number): PointMark[] {
  return db
    .prepare(
      `SELECT r.reader, m.kind, m.point_slice AS sliceIndex, m.point_x AS x, m.point_y AS y
    FROM lidc_mark m JOIN lidc_reading r ON r.id = m.reading_id
    WHERE r.case_id = ? AND m.kind IN ('small-nodule', 'non-nodule') AND m.point_slice IS NOT NULL
    ORDER BY r.reader, m.id`,
    )
    .all(caseId) as PointMark[];
}

function dermoImagesOf(db: Database, caseId: number): DermoImageInfo[] {
  const images = db
    .prepare("SELECT id, columns AS width, rows AS height FROM image WHERE case_id = ? AND kind = 'dermoscopy' ORDER BY id")
    .all(caseId) as Omit<DermoImageInfo, 'masks'>[];
  const masks = db.prepare('SELECT id, name, kind, area FROM mask WHERE image_id = ? ORDER BY kind, name');
  return images.map((i) => ({ ...i, masks: masks.all(i.id) as DermoImageInfo['masks'] }));
}

function truthOf(db: Database, caseId: number): DermoTruth | null {
  const t = db.prepare('SELECT diagnosis, diagnosis_type, age, sex, site FROM dermo_truth WHERE case_id = ?').get(caseId) as
    { diagnosis: IsicDiagnosis; diagnosis_type: string | null; age: number | null; sex: string | null; site: string | null } | undefined;
  if (!t) return null;
  return {
    diagnosis: t.diagnosis,
    diagnosisName: ISIC_DIAGNOSIS_NAMES[t.diagnosis],
    diagnosisType: t.diagnosis_type,
    age: t.age,
    sex: t.sex,
    site: t.site,
  };
}
