// Folder → DICOM instances. Every regular file below the folder is looked at; those that are
// clearly something else (by extension or magic bytes) are skipped quietly, and everything that
// might be DICOM but cannot be used is reported with a code and a reason. No single file can
// stop the scan: each one's failure is caught and recorded.
import { readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { VerdictError } from '../../../../app/errors';
import { describeNonDicom } from './open-dataset';
import { readHeadSync, readWhole, yielder } from './file-io';
import { rememberHeader, type FileStamp } from './header-cache';
import { instanceFromHead, readInstance, type PixelDataLocation } from './read-header';
import type { DicomInstance, RefusedFile, ScanProgress, ScanResult, SkippedFile } from './types';
import { assertViewable } from './viewable';

export type ScanOptions = {
  onProgress?: ScanProgress;
  signal?: AbortSignal;
  /** Files read at once; reading overlaps with parsing and hashing. */
  concurrency?: number;
  /** sha256 of every file (default true). */
  hash?: boolean;
  /**
   * Keep each instance's bytes in the result so that loadVolume need not read them again: one
   * pass over the disk, at the cost of holding the whole series in memory meanwhile.
   */
  keepBytes?: boolean;
  /**
   * Decode what the viewer will show of each file read whole (default true), so that the import
   * refuses a file now rather than the viewer later (see viewable.ts).
   */
  checkPixels?: boolean;
};

const NOT_DICOM_EXTENSIONS = new Set([
  '.xml',
  '.csv',
  '.tsv',
  '.json',
  '.txt',
  '.md',
  '.html',
  '.htm',
  '.log',
  '.ini',
  '.yml',
  '.yaml',
  '.jpg',
  '.jpeg',
  '.png',
  '.gif',
  '.bmp',
  '.tif',
  '.tiff',
  '.webp',
  '.svg',
  '.pdf',
  '.doc',
  '.docx',
  '.xls',
  '.xlsx',
  '.npy',
  '.npz',
  '.nii',
  '.py',
  '.js',
  '.ts',
  '.sh',
  '.exe',
  '.dll',
]);

const cancelled = (root: string): VerdictError => new VerdictError('import.cancelled', `Scanning ${root} was cancelled.`, { path: root });

/** Why a file is clearly not DICOM without reading it, or null. */
const skipByName = (path: string): string | null => {
  const name = basename(path);
  if (name === 'DICOMDIR') return 'a DICOMDIR media index (the images are read from their own files)';
  if (name.startsWith('.')) return 'a hidden file';
  const ext = extname(name).toLowerCase();
  return NOT_DICOM_EXTENSIONS.has(ext) ? `a ${ext} file` : null;
};

/** Why the bytes are clearly not DICOM (a well-known other format), or null. */
const skipByContent = (bytes: Uint8Array): string | null => {
  if (bytes.length === 0) return 'an empty file';
  const isPart10 = bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
  if (isPart10) return null;
  const why = describeNonDicom(bytes);
  // Images, documents and text are clearly something else. An archive, a multipart DICOMweb body
  // or an unidentified binary may well hold the images the user meant: those are reported.
  return /JPEG|PNG|PDF|XML|JSON/.test(why) ? why.replace(/, not DICOM$/, '') : null;
};

export const listFiles = async (root: string, signal?: AbortSignal): Promise<string[]> => {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    if (signal?.aborted) throw cancelled(root);
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      const p = join(dir, e.name);
      // Symbolic links are not followed: a link back up the tree would never end.
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  try {
    await walk(root);
  } catch (e) {
    if (e instanceof VerdictError) throw e;
    throw new VerdictError('file.not-found', `${root} could not be listed (${(e as NodeJS.ErrnoException).code ?? String(e)}).`, {
      path: root,
    });
  }
  return out.sort();
};

type Outcome = { instance: DicomInstance } | { refused: RefusedFile } | { skipped: SkippedFile };

/** Header bytes read first when the whole file is not needed (no hash, bytes not kept). */
const HEAD_BYTES = 16 * 1024;

const refusal = (path: string, e: unknown): Outcome => {
  if (e instanceof VerdictError) return { refused: { path, code: e.code, reason: e.message } };
  return {
    refused: {
      path,
      code: 'internal',
      reason: `${basename(path)}: unexpected error while reading (${e instanceof Error ? e.message : String(e)}).`,
    },
  };
};

/** Lets the volume loader skip parsing this file again while it is unchanged. */
const remember = (instance: DicomInstance, pixelData: PixelDataLocation, stamp: FileStamp): void => {
  if (pixelData) rememberHeader(instance.path, { stamp, instance, ...pixelData });
};

/** Without hashing, most files need only their header: the pixel data is not read at all. */
const examineHead = (path: string): Outcome | null => {
  try {
    const { bytes, stamp } = readHeadSync(path, HEAD_BYTES);
    const byContent = skipByContent(bytes);
    if (byContent) return { skipped: { path, reason: byContent } };
    const read = instanceFromHead(bytes, stamp.size, path);
    if (!read) return null;
    remember(read.instance, read.pixelData, stamp);
    return { instance: read.instance };
  } catch (e) {
    return refusal(path, e);
  }
};

const examine = async (path: string, options: ScanOptions): Promise<Outcome & { bytes?: Uint8Array }> => {
  const byName = skipByName(path);
  if (byName) return { skipped: { path, reason: byName } };
  if (options.hash === false && !options.keepBytes) {
    const fromHead = examineHead(path);
    if (fromHead) return fromHead;
  }
  let file: Awaited<ReturnType<typeof readWhole>>;
  try {
    file = await readWhole(path);
  } catch (e) {
    return refusal(path, e);
  }
  const { bytes, stamp } = file;
  const byContent = skipByContent(bytes);
  if (byContent) return { skipped: { path, reason: byContent } };
  try {
    const read = readInstance(bytes, path, { hash: options.hash ?? true });
    if (options.checkPixels ?? true) await assertViewable(read.opened, read.instance);
    remember(read.instance, read.pixelData, stamp);
    return { instance: read.instance, bytes };
  } catch (e) {
    return refusal(path, e);
  }
};

/** Scan a folder recursively. Throws 'import.cancelled' when the signal aborts. */
export const scanDicomFolder = async (root: string, options: ScanOptions = {}): Promise<ScanResult> => {
  const { onProgress, signal } = options;
  const files = await listFiles(root, signal);
  const result: ScanResult = { instances: [], refused: [], skipped: [] };
  let next = 0;
  let done = 0;
  const pause = yielder();
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const path = files[next++];
      await pause(); // header reads are synchronous: let cancel and IPC in now and then
      if (signal?.aborted) throw cancelled(root);
      const outcome = await examine(path, options);
      if ('instance' in outcome) {
        result.instances.push(outcome.instance);
        if (options.keepBytes && outcome.bytes) (result.bytes ??= new Map()).set(path, outcome.bytes);
      } else if ('refused' in outcome) result.refused.push(outcome.refused);
      else result.skipped.push(outcome.skipped);
      done++;
      onProgress?.(done, files.length, path);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, files.length)) }, worker);
  await Promise.all(workers);
  if (signal?.aborted) throw cancelled(root);
  const byPath = <T extends { path: string }>(a: T, b: T) => a.path.localeCompare(b.path);
  result.instances.sort(byPath);
  result.refused.sort(byPath);
  result.skipped.sort(byPath);
  return result;
};
