// Types for ISIC / HAM10000 dermoscopy: diagnosis labels, a scanned folder, decoded pixels.

import { ISIC_DIAGNOSIS_NAMES, type IsicDiagnosis } from '../../../../app/domain';

/** HAM10000 diagnosis codes (the seven ISIC 2018 Task 3 classes). */
export type IsicDx = IsicDiagnosis;

export const ISIC_DX = Object.keys(ISIC_DIAGNOSIS_NAMES) as readonly IsicDx[];

/** The ISIC 2018 Task 3 ground-truth column of each class, in that file's column order. */
export const TASK3_COLUMNS: Readonly<Record<string, IsicDx>> = {
  MEL: 'mel',
  NV: 'nv',
  BCC: 'bcc',
  AKIEC: 'akiec',
  BKL: 'bkl',
  DF: 'df',
  VASC: 'vasc',
};

/**
 * One image's label. Only `dx` is present in both file forms; the rest come from the HAM10000
 * metadata form. Text fields are kept as written ("unknown" stays "unknown").
 */
export type IsicLabel = {
  dx: IsicDx;
  /** HAM10000 lesion: several images may show one lesion, so data are split by lesion. */
  lesionId?: string;
  /** How the diagnosis was made: histo, follow_up, consensus, confocal. */
  dxType?: string;
  age?: number;
  sex?: string;
  localization?: string;
  /** HAM10000 source collection, e.g. vidir_modern, rosendahl, ham10000. */
  source?: string;
};

/** `ham10000`: image_id, lesion_id, dx, …; `task3`: image plus one-hot MEL … VASC. */
export type IsicLabelsForm = 'ham10000' | 'task3';

export type AttributeMask = {
  /** From `<imageId>_attribute_<name>.png`, e.g. globules, pigment_network; any name is accepted. */
  attribute: string;
  path: string;
};

export type DermoscopyImage = {
  imageId: string;
  path: string;
  format: 'jpeg' | 'png';
  /** Sorted by attribute name. */
  masks: AttributeMask[];
  /** `<imageId>_segmentation.png`, the lesion outline (ISIC Task 1). */
  segmentation?: string;
  label?: IsicLabel;
};

export type LabelFile = { path: string; form: IsicLabelsForm; count: number };

/** A labels row left out (its image imports without that diagnosis); `reason` names file and line. */
export type BadLabelRow = { path: string; line: number; reason: string };

export type DermoscopyScan = {
  dir: string;
  /** Sorted by image id. */
  images: DermoscopyImage[];
  /** .dcm files: dermoscopic DICOM candidates, decoded by the DICOM module, not here. */
  dicomCandidates: string[];
  labelFiles: LabelFile[];
  /** Masks and segmentations whose image is not in the folder. */
  orphanMasks: string[];
  /** A second file with an image id already seen (first by sorted path wins). */
  duplicates: string[];
  /** .csv files not read as labels, and why (not a labels file, no dx column, unreadable). */
  skippedCsvs: { path: string; reason: string }[];
  /** Rows of label files that were left out, in file and line order. */
  badLabelRows: BadLabelRow[];
};

export type RgbaImage = { width: number; height: number; rgba: Uint8Array };

/** `mask` holds 0 or 1 per pixel (source values ≥ 128 → 1); `area` counts the 1s. */
export type BinaryMask = { width: number; height: number; mask: Uint8Array; area: number };
