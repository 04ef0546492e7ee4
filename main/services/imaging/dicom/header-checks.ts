// Header values that every later step trusts, checked before anything is planned from them: the
// bit depths (a BitsStored of 0 or above BitsAllocated, or a PixelRepresentation other than 0/1,
// would be read silently as something else) and the frame count, which must fit in the pixel
// data that is actually there. A file claiming 2^31 frames once made the import plan 2^31 slices
// and run out of memory; refusing it here costs nothing.
import { basename } from 'node:path';
import { VerdictError } from '../../../../app/errors';
import type { Element } from './dicom-parser-lib';
import { nativeFrameLength } from './frame-bytes';
import type { OpenedDicom } from './open-dataset';
import { TAG, tagLabel, type TagKeyword } from './tags';

const badValue = (path: string, keyword: TagKeyword, why: string): VerdictError =>
  new VerdictError('dicom.bad-value', `${basename(path)}: ${tagLabel(keyword)} ${why}.`, { path, tag: tagLabel(keyword) });

/** BitsStored must be 1…BitsAllocated; PixelRepresentation 0 (unsigned) or 1 (two's complement). */
export const checkBitDepths = (path: string, bits: { allocated: number; stored: number | null; representation: number | null }): void => {
  if (bits.stored !== null && (bits.stored === 0 || bits.stored > bits.allocated)) {
    throw badValue(path, 'BitsStored', `is ${bits.stored}, but it must be between 1 and BitsAllocated (${bits.allocated})`);
  }
  if (bits.representation !== null && bits.representation !== 0 && bits.representation !== 1) {
    throw badValue(path, 'PixelRepresentation', `is ${bits.representation}, but it must be 0 (unsigned) or 1 (signed)`);
  }
};

export type FrameGeometry = {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  photometricInterpretation: string;
};

const UNDEFINED_LENGTH = 0xffffffff;
const ITEM_HEADER_BYTES = 8;

/** Bytes of one native frame, at least 1 (so that a zero-sized frame cannot multiply freely). */
const minimumFrameBytes = (g: FrameGeometry): number =>
  Math.max(1, Math.floor(nativeFrameLength({ ...g, bitsAllocated: Math.max(1, g.bitsAllocated), path: '', numberOfFrames: 1 })));

/**
 * The most frames the pixel data element can hold, and why: native frames must fit in its value
 * length, each encapsulated frame needs at least one fragment. Null when the element's extent is
 * not known yet (a header read that stopped at the pixel data); the full read checks again.
 */
const maxFrames = (el: Element, native: boolean, g: FrameGeometry): { max: number; why: string } | null => {
  if (native) {
    const frameBytes = minimumFrameBytes(g);
    if (el.length === UNDEFINED_LENGTH) return null;
    return { max: Math.floor(el.length / frameBytes), why: `its pixel data is ${el.length} bytes and one frame needs ${frameBytes}` };
  }
  if (el.fragments)
    return {
      max: el.fragments.length,
      why: `its encapsulated pixel data has ${el.fragments.length} fragment(s) and each frame needs at least one`,
    };
  if (el.length !== UNDEFINED_LENGTH)
    return { max: Math.floor(el.length / ITEM_HEADER_BYTES), why: `its pixel data is ${el.length} bytes` };
  return null;
};

/** Refuses a NumberOfFrames that the pixel data cannot hold, naming the file and the tag. */
export const checkFrameCount = (opened: OpenedDicom, path: string, frames: number, g: FrameGeometry): void => {
  const el = opened.dataSet.elements[TAG.PixelData];
  if (!el) return;
  const native = opened.syntax ? !opened.syntax.encapsulated : !el.encapsulatedPixelData;
  const bound = maxFrames(el, native, g);
  // One frame that does not fit is a truncated file, which the pixel reads report as such.
  if (bound && frames > 1 && frames > bound.max) {
    throw badValue(path, 'NumberOfFrames', `says ${frames} frames, but ${bound.why}, so it holds at most ${bound.max}`);
  }
};
