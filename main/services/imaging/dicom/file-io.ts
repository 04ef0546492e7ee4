// File reads tuned for series loading. readFile allocates a fresh buffer per file, and the first
// touch of fresh memory costs page faults (~24 ms for a 70 MB CT series here, as much as the
// rest of the work); reusing one buffer avoids that. Synchronous reads of a local file cost a
// third of the async ones (no thread-pool round trips for open/stat/read/close), so the series
// loaders read synchronously in short bursts and yield to the event loop between bursts.
import { closeSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { VerdictError } from '../../../../app/errors';
import type { FileStamp } from './header-cache';

export const stampOf = (st: Pick<Stats, 'size' | 'mtimeMs' | 'ino'>): FileStamp => ({ size: st.size, mtimeMs: st.mtimeMs, ino: st.ino });

const notReadable = (path: string, e: unknown): VerdictError =>
  new VerdictError('file.not-found', `${basename(path)} could not be read (${(e as NodeJS.ErrnoException).code ?? String(e)}).`, { path });

/**
 * Read a whole file, into `reuse` when it is large enough (the result is then a view of it and
 * valid until the buffer is reused), else into a new buffer.
 */
export const readWhole = async (path: string, reuse?: Buffer): Promise<{ bytes: Buffer; buffer: Buffer; stamp: FileStamp }> => {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw notReadable(path, e);
  }
  try {
    const st = await fh.stat();
    const size = st.size;
    const buffer = reuse && reuse.length >= size ? reuse : Buffer.allocUnsafeSlow(Math.max(size, reuse?.length ?? 0));
    let got = 0;
    while (got < size) {
      const { bytesRead } = await fh.read(buffer, got, size - got, got);
      if (bytesRead === 0) break; // the file shrank while we read it
      got += bytesRead;
    }
    return { bytes: buffer.subarray(0, got), buffer, stamp: stampOf(st) };
  } catch (e) {
    throw notReadable(path, e);
  } finally {
    await fh.close();
  }
};

/** Synchronous whole-file read into `reuse` when large enough (the result is then a view of it). */
export const readWholeSync = (path: string, reuse?: Buffer): { bytes: Buffer; buffer: Buffer } => {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw notReadable(path, e);
  }
  try {
    const size = fstatSync(fd).size;
    const buffer = reuse && reuse.length >= size ? reuse : Buffer.allocUnsafeSlow(Math.max(size, reuse?.length ?? 0));
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buffer, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return { bytes: buffer.subarray(0, got), buffer };
  } catch (e) {
    throw notReadable(path, e);
  } finally {
    closeSync(fd);
  }
};

/** Run `fn` with an open file descriptor and the file's size; the descriptor is always closed. */
export const withFileSync = <T>(path: string, fn: (fd: number, stamp: FileStamp) => T): T => {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw notReadable(path, e);
  }
  try {
    return fn(fd, stampOf(fstatSync(fd)));
  } finally {
    closeSync(fd);
  }
};

/** Read exactly `length` bytes at `position` into `into` at `offset`; returns the count read (less at end of file). */
export const readAtSync = (fd: number, into: Uint8Array, offset: number, length: number, position: number): number => {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, into, offset + got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
};

/** Synchronous read of the first `max` bytes (a new buffer) and the file's stamp. */
export const readHeadSync = (path: string, max: number): { bytes: Buffer; stamp: FileStamp } =>
  withFileSync(path, (fd, stamp) => {
    const buffer = Buffer.allocUnsafe(Math.min(stamp.size, max));
    const n = readAtSync(fd, buffer, 0, buffer.length, 0);
    return { bytes: buffer.subarray(0, n), stamp };
  });

/**
 * Lets a loop of synchronous work give the event loop a turn every `budgetMs`, so that the main
 * process keeps answering IPC while a series loads.
 */
export const yielder = (budgetMs = 4): (() => Promise<void> | undefined) => {
  let last = performance.now();
  return () => {
    const now = performance.now();
    if (now - last < budgetMs) return undefined;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        last = performance.now();
        resolve();
      }),
    );
  };
};
