// What the scan learnt about each file's pixel data, so that loading the volume right after
// need not parse every header again (~10 ms of a ~50 ms LIDC load). An entry is used only while
// the file keeps its size, mtime and inode, and the loader also checks that the Pixel Data
// element header still sits where the entry says (see pixelHeaderMatches). Bounded, oldest first out.
import type { DicomInstance } from './types';

export type FileStamp = { size: number; mtimeMs: number; ino: number };

export type CachedHeader = {
  stamp: FileStamp;
  instance: DicomInstance;
  /** Offset and length of the native Pixel Data value in the file. */
  dataOffset: number;
  length: number;
};

const MAX_ENTRIES = 4096; // a few large series; each entry is one DicomInstance (~1 KB)
const cache = new Map<string, CachedHeader>();

const sameStamp = (a: FileStamp, b: FileStamp): boolean => a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;

export const rememberHeader = (path: string, entry: CachedHeader): void => {
  cache.delete(path);
  // The loader needs pixel facts only: identifying data is not kept around longer than needed.
  cache.set(path, { ...entry, instance: { ...entry.instance, phi: { patientId: null, patientName: null } } });
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
};

export const recallHeader = (path: string, stamp: FileStamp): CachedHeader | null => {
  const hit = cache.get(path);
  if (!hit) return null;
  if (sameStamp(hit.stamp, stamp)) return hit;
  cache.delete(path);
  return null;
};

export const forgetHeaders = (): void => cache.clear();

/**
 * The 12 bytes before a Pixel Data value hold its element header: explicit VR little endian
 * (7FE0,0010) 'OW'|'OB' 00 00 length, or implicit (….) (7FE0,0010) length.
 */
export const pixelHeaderMatches = (b: Uint8Array, length: number): boolean => {
  if (b.length < 12) return false;
  const len = (b[8] | (b[9] << 8) | (b[10] << 16) | (b[11] << 24)) >>> 0;
  if (len !== length) return false;
  const tagAt = (i: number) => b[i] === 0xe0 && b[i + 1] === 0x7f && b[i + 2] === 0x10 && b[i + 3] === 0x00;
  const explicit = tagAt(0) && b[4] === 0x4f && (b[5] === 0x57 || b[5] === 0x42) && b[6] === 0 && b[7] === 0;
  return explicit || tagAt(4);
};
