// Where one frame's bytes are: a slice of native pixel data, or the fragments of encapsulated
// pixel data joined into one codestream. Encapsulated frames are found, in order of trust, by
// the Extended Offset Table, the Basic Offset Table, one-fragment-per-frame, or by scanning
// fragments for JPEG end-of-image markers (what DCMTK's "-ot" files without a table need).
import { basename } from 'node:path';
import { VerdictError } from '../../../../app/errors';
import { dicomParser, type DataSet, type Element } from './dicom-parser-lib';
import type { OpenedDicom } from './open-dataset';
import { TAG } from './tags';
import type { DicomInstance } from './types';

type FrameLayout = Pick<
  DicomInstance,
  'path' | 'rows' | 'columns' | 'samplesPerPixel' | 'bitsAllocated' | 'photometricInterpretation' | 'numberOfFrames'
>;

const failed = (path: string, why: string): VerdictError => new VerdictError('dicom.decode-failed', `${basename(path)}: ${why}.`, { path });

const pixelElement = (ds: DataSet, path: string): Element => {
  const el = ds.elements[TAG.PixelData];
  if (!el) throw new VerdictError('dicom.no-pixel-data', `${basename(path)} has no pixel data (7FE0,0010).`, { path });
  return el;
};

const checkFrameIndex = (inst: FrameLayout, frame: number): void => {
  if (!Number.isInteger(frame) || frame < 0 || frame >= inst.numberOfFrames) {
    throw new VerdictError(
      'dicom.bad-value',
      `${basename(inst.path)} has ${inst.numberOfFrames} frame(s); frame ${frame} does not exist.`,
      {
        path: inst.path,
      },
    );
  }
};

/** Bytes of one uncompressed frame. 4:2:2 colour is stored as 2 bytes per pixel (Y Y Cb Cr per pair). */
export const nativeFrameLength = (inst: FrameLayout): number => {
  const pixels = inst.rows * inst.columns;
  if (inst.photometricInterpretation.endsWith('_422')) return pixels * 2 * (inst.bitsAllocated / 8);
  return (pixels * inst.samplesPerPixel * inst.bitsAllocated) / 8;
};

export const nativeFrameBytes = (opened: OpenedDicom, inst: FrameLayout, frame: number): Uint8Array => {
  checkFrameIndex(inst, frame);
  const ds = opened.dataSet;
  const el = pixelElement(ds, inst.path);
  if (inst.bitsAllocated % 8 !== 0) throw failed(inst.path, `${inst.bitsAllocated}-bit packed pixels are not supported`);
  const size = nativeFrameLength(inst);
  const start = el.dataOffset + frame * size;
  const available = Math.min(el.length, ds.byteArray.length - el.dataOffset);
  if ((frame + 1) * size > available) {
    throw failed(
      inst.path,
      `pixel data is truncated: frame ${frame + 1} of ${inst.numberOfFrames} needs ${size} bytes at offset ${frame * size}, but only ${available} bytes of pixel data are present`,
    );
  }
  return ds.byteArray.subarray(start, start + size);
};

/** Extended Offset Table (7FE0,0001), 64-bit offsets; null when absent. */
const extendedOffsets = (ds: DataSet): number[] | null => {
  const el = ds.elements.x7fe00001;
  if (!el || el.length < 8) return null;
  const view = new DataView(ds.byteArray.buffer, ds.byteArray.byteOffset + el.dataOffset, el.length);
  const out: number[] = [];
  for (let i = 0; i + 8 <= el.length; i += 8) out.push(Number(view.getBigUint64(i, true)));
  return out;
};

const offsetTables = new WeakMap<DataSet, number[]>();

const offsetTable = (ds: DataSet, el: Element, inst: FrameLayout): number[] => {
  const cached = offsetTables.get(ds);
  if (cached) return cached;
  let table = extendedOffsets(ds) ?? (el.basicOffsetTable && el.basicOffsetTable.length > 0 ? el.basicOffsetTable : null);
  if (!table) table = dicomParser.createJPEGBasicOffsetTable(ds, el);
  if (table.length < inst.numberOfFrames) {
    throw failed(inst.path, `found ${table.length} frame(s) in the encapsulated pixel data, expected ${inst.numberOfFrames}`);
  }
  offsetTables.set(ds, table);
  return table;
};

/** The whole codestream of one encapsulated frame (a view when it is one fragment, else a copy). */
export const encapsulatedFrame = (opened: OpenedDicom, inst: FrameLayout, frame: number): Uint8Array => {
  checkFrameIndex(inst, frame);
  const ds = opened.dataSet;
  const el = pixelElement(ds, inst.path);
  const fragments = el.fragments;
  if (!el.encapsulatedPixelData || !fragments || fragments.length === 0) {
    throw failed(
      inst.path,
      `transfer syntax ${opened.transferSyntaxUid} needs encapsulated pixel data, but the pixel data has no fragments`,
    );
  }
  try {
    if (inst.numberOfFrames === 1) {
      return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, fragments.length);
    }
    const hasTable = ds.elements.x7fe00001 !== undefined || (el.basicOffsetTable?.length ?? 0) > 0;
    if (!hasTable && fragments.length === inst.numberOfFrames) {
      return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, frame, 1);
    }
    return dicomParser.readEncapsulatedImageFrame(ds, el, frame, offsetTable(ds, el, inst));
  } catch (e) {
    if (e instanceof VerdictError) throw e;
    throw failed(
      inst.path,
      `frame ${frame} could not be read from the encapsulated pixel data (${e instanceof Error ? e.message : String(e)})`,
    );
  }
};
