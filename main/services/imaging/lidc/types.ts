// Typed form of an LIDC-IDRI reader XML (`LidcReadMessage`). Field names are camelCase versions
// of the XML element names; the comments give the XML name where it differs.

/** A point in image pixel coordinates (column x, row y), as the XML gives it. */
export type Point = { x: number; y: number };

import type { LidcCharacteristics } from '../../../../app/domain';

/** The nine LIDC ratings (integers; calcification 1–6, internalStructure 1–4, the rest 1–5). */
export type { LidcCharacteristics };

/** One `roi`: a contour on one slice. */
export type LidcRoi = {
  /** `imageZposition`, mm. */
  z: number;
  /** `imageSOP_UID`. */
  sopInstanceUid: string;
  /** false = exclusion contour (a hole such as a cavity); kept but never counted toward area. */
  inclusion: boolean;
  /** `edgeMap` points in drawing order. */
  edgeMap: Point[];
};

/** One `unblindedReadNodule`: one reader's mark of one nodule. */
export type LidcNoduleMark = {
  /** `noduleID`; unique only within its reading session. */
  noduleId: string;
  /** Absent for nodules < 3 mm. */
  characteristics?: LidcCharacteristics;
  rois: LidcRoi[];
  /** < 3 mm nodule: a single ROI holding a single point and no characteristics. */
  small: boolean;
};

/** One `nonNodule`: a point the reader judged to be a non-nodule ≥ 3 mm. */
export type LidcNonNodule = {
  /** `nonNoduleID`. */
  nonNoduleId: string;
  z: number;
  sopInstanceUid: string;
  locus: Point;
};

export type LidcReadingSession = {
  /** `servicingRadiologistID`, anonymised; kept as text (it can be negative or non-numeric). */
  radiologistId: string;
  annotationVersion?: string;
  nodules: LidcNoduleMark[];
  nonNodules: LidcNonNodule[];
};

export type LidcReadMessage = {
  /** The file name or label the message was read from, for error messages. */
  source: string;
  seriesInstanceUid: string;
  studyInstanceUid?: string;
  sessions: LidcReadingSession[];
};

export type Vec3 = { x: number; y: number; z: number };
