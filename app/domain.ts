// Domain types shared by main and renderer. JSON-safe except where a field says ArrayBuffer
// (pixels and masks cross the boundary as binary, never as number[]).

export type CaseId = number;
export type SeriesId = number;
export type ImageId = number;
export type MaskId = number;
export type NoduleId = number;

export type CaseSource = 'lidc' | 'isic' | 'other';
export type CaseModality = 'CT' | 'dermoscopy' | 'other';

/** What a reader may see of a case: a neutral label, never the patient's name or ID. */
export type CaseSummary = {
  id: CaseId;
  label: string;
  source: CaseSource;
  modality: CaseModality;
  seriesCount: number;
  imageCount: number;
  noduleCount: number;
  diagnosis: string | null;
  importedAt: string;
};

export type SeriesInfo = {
  id: SeriesId;
  seriesInstanceUid: string;
  modality: string;
  description: string;
  rows: number;
  columns: number;
  sliceCount: number;
  /** Row and column spacing in mm (PixelSpacing), null when the files carry none. */
  pixelSpacing: [number, number] | null;
  /** Distance between slice centres along the normal, mm (median); null for one slice. */
  sliceSpacing: number | null;
  sliceThickness: number | null;
  /** Position of each slice along the slice normal, mm, in display order. */
  slicePositions: number[];
  /** Indexes after which one or more slices are missing. */
  gapsAfter: number[];
  warnings: string[];
  window: { center: number; width: number } | null;
  transferSyntax: string;
};

export type LidcCharacteristics = {
  subtlety: number;
  internalStructure: number;
  calcification: number;
  sphericity: number;
  margin: number;
  lobulation: number;
  spiculation: number;
  texture: number;
  malignancy: number;
};
export const LIDC_CHARACTERISTICS: readonly (keyof LidcCharacteristics)[] = [
  'subtlety',
  'internalStructure',
  'calcification',
  'sphericity',
  'margin',
  'lobulation',
  'spiculation',
  'texture',
  'malignancy',
];

/** One reader's contour on one slice, in image pixel coordinates (x = column, y = row). */
export type Contour = { sliceIndex: number; inclusion: boolean; points: number[] };

/** One reader's mark of a physical nodule (≥3 mm: contours and characteristics). */
export type NoduleMark = {
  reader: number;
  readerNoduleId: string;
  characteristics: LidcCharacteristics | null;
  contours: Contour[];
};

/** Readers' marks clustered into one physical nodule. */
export type Nodule = {
  id: NoduleId;
  label: string;
  readerCount: number;
  centroid: { x: number; y: number; sliceIndex: number };
  /** Slice where the readers' contours cover the largest area. */
  largestSliceIndex: number;
  diameterMm: number | null;
  medianMalignancy: number | null;
  marks: NoduleMark[];
};

/** A reader's point mark: a nodule < 3 mm or a non-nodule. */
export type PointMark = { reader: number; kind: 'small-nodule' | 'non-nodule'; sliceIndex: number; x: number; y: number };

export type IsicDiagnosis = 'mel' | 'nv' | 'bcc' | 'akiec' | 'bkl' | 'df' | 'vasc';
export const ISIC_DIAGNOSIS_NAMES: Record<IsicDiagnosis, string> = {
  mel: 'Melanoma',
  nv: 'Melanocytic nevus',
  bcc: 'Basal cell carcinoma',
  akiec: 'Actinic keratosis / intraepithelial carcinoma',
  bkl: 'Benign keratosis',
  df: 'Dermatofibroma',
  vasc: 'Vascular lesion',
};

export const ISIC_DIAGNOSES = Object.keys(ISIC_DIAGNOSIS_NAMES) as IsicDiagnosis[];

/** The malignant ISIC 2018 Task 3 classes (the rest are benign): the binary truth readers' malignancy ratings are scored against. */
export const ISIC_MALIGNANT: readonly IsicDiagnosis[] = ['mel', 'bcc', 'akiec'];

/**
 * The binary truth of a case: LIDC — the nodule's median malignancy rating ≥4 malignant, ≤2
 * benign, 3 (indeterminate) or unrated null, as in the CDAM paper's malignancy task; ISIC — the
 * diagnosis in ISIC_MALIGNANT.
 */
export function binaryTruth(t: { medianMalignancy?: number | null; diagnosis?: IsicDiagnosis | null }): 0 | 1 | null {
  if (t.diagnosis) return ISIC_MALIGNANT.includes(t.diagnosis) ? 1 : 0;
  const m = t.medianMalignancy;
  if (m === null || m === undefined) return null;
  return m >= 4 ? 1 : m <= 2 ? 0 : null;
}

export type DermoTruth = {
  diagnosis: IsicDiagnosis;
  diagnosisName: string;
  diagnosisType: string | null;
  age: number | null;
  sex: string | null;
  site: string | null;
};

export type MaskInfo = { id: MaskId; name: string; kind: 'attribute' | 'segmentation'; area: number };

export type DermoImageInfo = {
  id: ImageId;
  width: number;
  height: number;
  masks: MaskInfo[];
};

export type CaseDetail = CaseSummary & {
  series: SeriesInfo[];
  nodules: Nodule[];
  pointMarks: PointMark[];
  readerCount: number;
  images: DermoImageInfo[];
  truth: DermoTruth | null;
};

/** One CT slice in Hounsfield units (Int16, row-major, rows × columns). */
export type CtSlice = {
  seriesId: SeriesId;
  index: number;
  rows: number;
  columns: number;
  position: number;
  hu: ArrayBuffer;
};

/** A colour image as RGBA bytes, ready for ImageData. */
export type RgbaImage = { width: number; height: number; rgba: ArrayBuffer };

/** A binary mask, one byte per pixel (0 or 1), same size as its image. */
export type MaskImage = { width: number; height: number; mask: ArrayBuffer };

export type ImportJobId = string;
export type ImportPhase = 'scanning' | 'reading' | 'saving' | 'done';
export type ImportProgress = { jobId: ImportJobId; phase: ImportPhase; done: number; total: number; file: string | null };

export type RefusedFile = { path: string; code: string; reason: string };
export type ImportedCase = {
  caseId: CaseId;
  label: string;
  source: CaseSource;
  series: { uid: string; slices: number; spacing: number | null }[];
  nodules: number;
  readers: number;
  images: number;
};
export type ImportReport = {
  jobId: ImportJobId;
  root: string;
  status: 'done' | 'cancelled' | 'failed';
  startedAt: string;
  finishedAt: string;
  cases: ImportedCase[];
  skipped: { path: string; reason: string }[];
  refused: RefusedFile[];
  warnings: string[];
  error: string | null;
};
