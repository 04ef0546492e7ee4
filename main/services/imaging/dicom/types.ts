// Types of the DICOM service. Everything here is plain data (typed arrays for pixels) so the
// handlers above can pass it on as it is or as ArrayBuffers.
import type { ErrorCode } from '../../../../app/errors';

export type Vec3 = [number, number, number];
/** ImageOrientationPatient: row direction cosines then column direction cosines. */
export type Orientation = [number, number, number, number, number, number];

/** Per-frame values of an enhanced multi-frame file (per-frame or shared functional groups). */
export type FrameInfo = {
  position: Vec3 | null;
  rescaleSlope: number;
  rescaleIntercept: number;
};

export type DicomInstance = {
  path: string;
  /** sha256 of the file's bytes, hex: ties study data to the exact file that was read ('' if not asked for). */
  sha256: string;
  sopInstanceUid: string;
  sopClassUid: string | null;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  modality: string | null;
  transferSyntaxUid: string;
  transferSyntaxName: string;
  rows: number;
  columns: number;
  numberOfFrames: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: 0 | 1;
  samplesPerPixel: number;
  photometricInterpretation: string;
  planarConfiguration: 0 | 1;
  /** (row spacing, column spacing) in mm, i.e. PixelSpacing as stored; null when absent. */
  pixelSpacing: [number, number] | null;
  sliceThickness: number | null;
  spacingBetweenSlices: number | null;
  imagePositionPatient: Vec3 | null;
  imageOrientationPatient: Orientation | null;
  /** 1 and 0 when the file has no rescale (then "HU" are just the stored values). */
  rescaleSlope: number;
  rescaleIntercept: number;
  windowCenter: number | null;
  windowWidth: number | null;
  instanceNumber: number | null;
  seriesDescription: string | null;
  studyDate: string | null;
  manufacturer: string | null;
  /** Enhanced multi-frame only: one entry per frame; null for classic single-frame files. */
  frames: FrameInfo[] | null;
  /**
   * Identifying data, kept only so the importer can de-identify and match records.
   * It must never reach a reader: strip it before anything goes to the renderer or an export.
   */
  phi: { patientId: string | null; patientName: string | null };
};

export type MonoPixels = Int16Array | Uint16Array;

/**
 * One decoded frame: stored values for monochrome images (Int16Array when PixelRepresentation
 * is 1, else Uint16Array; 8-bit values are widened), interleaved 8-bit RGB for colour (RGB, YBR
 * and PALETTE COLOR images all arrive as RGB).
 */
export type DecodedFrame =
  | {
      kind: 'mono';
      rows: number;
      columns: number;
      /** MONOCHROME1 means high values are displayed dark; the values themselves are not inverted. */
      photometric: 'MONOCHROME1' | 'MONOCHROME2';
      pixels: MonoPixels;
      lossy: boolean;
    }
  | { kind: 'rgb'; rows: number; columns: number; photometric: 'RGB'; pixels: Uint8Array; lossy: boolean };

/** One slice of a series: a frame of a file, and where it lies. */
export type SliceRef = {
  path: string;
  frame: number;
  sopInstanceUid: string;
  /** ImagePositionPatient of the slice (mm), null when the file has none. */
  position: Vec3 | null;
  /** Position along the slice normal (mm); the frame/instance order when there is no geometry. */
  z: number;
};

export type SeriesPlan = {
  seriesInstanceUid: string;
  studyInstanceUid: string;
  modality: string | null;
  description: string | null;
  transferSyntaxUid: string;
  rows: number;
  columns: number;
  pixelSpacing: [number, number] | null;
  sliceThickness: number | null;
  orientation: Orientation | null;
  /** Unit normal (row × column cosines); null without orientation. */
  normal: Vec3 | null;
  /** Median distance between consecutive slices along the normal, mm; null for < 2 slices or no geometry. */
  sliceSpacing: number | null;
  /** Sorted along the normal (increasing z). */
  slices: SliceRef[];
  /** Indexes i after which slices are missing (gap between i and i+1 > 1.5 × sliceSpacing). */
  gapsAfter: number[];
  warnings: string[];
  window: { center: number; width: number } | null;
};

export type Volume = {
  /**
   * rows × columns × slices, row-major within a slice, slices in plan order. Where WebAssembly
   * SIMD is available this is a view of a WebAssembly memory of its own (rescaled in place):
   * use hu.byteLength (hu.buffer is rounded up to 64 KiB pages) and copy (hu.slice) rather than
   * transfer it; postMessage and IPC copy it anyway.
   */
  hu: Int16Array;
  rows: number;
  columns: number;
  slices: number;
  /** [column spacing (x), row spacing (y), slice spacing (z)] mm; 1 where the files give none. */
  spacing: Vec3;
  /** ImagePositionPatient of the first slice, or [0,0,0]. */
  origin: Vec3;
  orientation: Orientation;
  /** Per-slice ImagePositionPatient (null when unknown). */
  positions: (Vec3 | null)[];
  warnings: string[];
};

export type RefusedFile = { path: string; code: ErrorCode; reason: string };
export type SkippedFile = { path: string; reason: string };

export type ScanProgress = (done: number, total: number, path: string) => void;

export type ScanResult = {
  instances: DicomInstance[];
  refused: RefusedFile[];
  /** Files that are clearly not DICOM (by extension or magic bytes), left out quietly. */
  skipped: SkippedFile[];
  /** The bytes of each instance's file, only when the scan was asked to keep them. */
  bytes?: Map<string, Uint8Array>;
};
