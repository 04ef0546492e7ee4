// Encapsulated pixel data whose last fragment is cut short (the file ends inside it, or inside the
// sequence delimiter after it). dicom-parser gives up on such a file ("buffer overrun"), while
// DCMTK, pydicom and the JPEG decoders show what is there. This walks the fragment items the way
// dicom-parser does (its findEndOfEncapsulatedElement), but clamps the last one to the bytes that
// exist, so the frame decodes as far as its data goes.
import type { DataSet, Element } from './dicom-parser-lib';

const ITEM = 0xe000;
const ITEM_GROUP = 0xfffe;

/**
 * Fill in `el` (the Pixel Data element of a data set read up to it) from the bytes after its
 * header. Returns false when the items do not look like encapsulated pixel data at all.
 */
export const readShortFragments = (ds: DataSet, el: Element): boolean => {
  const b = ds.byteArray;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let p = el.dataOffset;
  const itemAt = (at: number) =>
    at + 8 <= b.length && view.getUint16(at, true) === ITEM_GROUP
      ? { element: view.getUint16(at + 2, true), length: view.getUint32(at + 4, true) }
      : null;
  const table = itemAt(p);
  if (!table || table.element !== ITEM || table.length % 4 !== 0 || p + 8 + table.length > b.length) return false;
  const basicOffsetTable: number[] = [];
  for (let i = 0; i < table.length; i += 4) basicOffsetTable.push(view.getUint32(p + 8 + i, true));
  p += 8 + table.length;
  const base = p;
  const fragments: { offset: number; position: number; length: number }[] = [];
  for (let item = itemAt(p); item && item.element === ITEM; item = itemAt(p)) {
    const length = Math.min(item.length, b.length - (p + 8));
    fragments.push({ offset: p - base, position: p + 8, length });
    p += 8 + length;
  }
  if (fragments.length === 0) return false;
  Object.assign(el, { encapsulatedPixelData: true, basicOffsetTable, fragments, length: p - el.dataOffset, hadUndefinedLength: true });
  return true;
};
