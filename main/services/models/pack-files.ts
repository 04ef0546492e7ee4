// The files a manifest names: each must stay inside the pack folder (no absolute paths, no
// `..`, no symlink that resolves elsewhere), be a regular file within PACK_LIMITS, and have the
// SHA-256 the manifest records. A FIFO or device is refused without being read (it would block
// the loader for ever), the size is checked before reading, and hashes are streamed.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { isAbsolute, join, relative, sep, win32 } from 'node:path';
import { VerdictError } from '../../../app/errors';

/** `bytes` null: a test-only file the pack was shipped without (load-pack.ts TEST_ONLY_ROLES). */
export type PackFile = { role: string; path: string; sha256: string; bytes: number | null };

/** What a pack may make Verdict read (models/README.md, "Limits"). */
export const PACK_LIMITS = {
  /** manifest.json: the largest bundled one (isic-protofm, 210 exemplars) is about 160 KB. */
  manifestBytes: 4 * 1024 * 1024,
  /** File roles in one manifest: isic-protofm has 213. */
  files: 1024,
  /** A graph (backbone, tail, a black-box pack's model): ONNX Runtime cannot load a protobuf graph above 2 GiB. */
  graphBytes: 2 * 1024 * 1024 * 1024,
  /** Any other file (fixtures, card, exemplar images): the largest bundled one is about 2 MB. */
  fileBytes: 256 * 1024 * 1024,
} as const;

const limitFor = (role: string): number =>
  role === 'backbone' || role === 'tail' || role === 'model' ? PACK_LIMITS.graphBytes : PACK_LIMITS.fileBytes;

const CHUNK = 1024 * 1024;

export const sha256Hex = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

const outside = (file: string, role: string, path: string, why: string) =>
  new VerdictError(
    'model.path-outside-pack',
    `${file}: files.${role}.path "${path}" ${why}; every file of a pack must be inside its folder.`,
    { file, role, path },
  );

/**
 * The absolute path of one file of the pack, refusing any path that leaves `packDir`
 * (which must already be a real path). Missing files are refused too.
 */
export async function resolvePackPath(packDir: string, role: string, path: string, file = 'manifest.json'): Promise<string> {
  if (isAbsolute(path) || win32.isAbsolute(path)) throw outside(file, role, path, 'is absolute');
  if (path.split(/[\\/]/).includes('..')) throw outside(file, role, path, 'climbs out with ".."');
  const joined = join(packDir, path);
  let real: string;
  try {
    real = await realpath(joined);
  } catch {
    throw new VerdictError('model.missing-file', `${file}: files.${role}: ${path} is missing from the pack folder ${packDir}.`, {
      file,
      role,
      path,
    });
  }
  const rel = relative(packDir, real);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel))
    throw outside(file, role, path, `resolves to ${real}, outside the pack`);
  return real;
}

type FileRef = { role: string; path: string; sha256: string };

/**
 * Opens a file for reading without waiting on a FIFO's writer (O_NONBLOCK; Windows has no FIFOs)
 * and refuses, from the open handle's stat, anything but a regular file of at most `maxBytes`.
 * `what` names the file in messages (`manifest.json: files.tail: tail.onnx`).
 */
export async function openRegularFile(
  absPath: string,
  what: string,
  maxBytes: number,
  detail: Record<string, string>,
): Promise<{ fh: FileHandle; size: number }> {
  let fh: FileHandle;
  try {
    fh = await open(absPath, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new VerdictError('model.missing-file', `${what}: cannot be read (${(e as Error).message}).`, detail);
  }
  try {
    const info = await fh.stat();
    if (!info.isFile()) {
      const kind = info.isFIFO() ? 'a FIFO' : info.isDirectory() ? 'a folder' : info.isSocket() ? 'a socket' : 'a device';
      throw new VerdictError('model.file-refused', `${what} is ${kind}, not a regular file; a pack holds regular files only.`, {
        ...detail,
        reason: 'not-regular',
      });
    }
    if (info.size > maxBytes) {
      throw new VerdictError('model.file-refused', `${what} is ${info.size} bytes, above the limit of ${maxBytes} bytes for a pack file.`, {
        ...detail,
        reason: 'too-large',
        bytes: info.size,
        limit: maxBytes,
      });
    }
    return { fh, size: info.size };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/** SHA-256 of an open file, read in 1 MiB chunks (memory stays flat for any size). */
async function streamHash(fh: FileHandle): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  const chunk = Buffer.allocUnsafe(CHUNK);
  let position = 0;
  for (;;) {
    const { bytesRead } = await fh.read(chunk, 0, CHUNK, position);
    if (bytesRead === 0) break;
    hash.update(chunk.subarray(0, bytesRead));
    position += bytesRead;
  }
  return { sha256: hash.digest('hex'), bytes: position };
}

const mismatch = (ref: FileRef, file: string, actual: string) =>
  new VerdictError(
    'model.hash-mismatch',
    `${ref.path}: SHA-256 is ${actual} but ${file} says ${ref.sha256}; the file has changed since the pack was exported.`,
    {
      file: ref.path,
      expected: ref.sha256,
      actual,
    },
  );

const openPackFile = (absPath: string, ref: FileRef, file: string) =>
  openRegularFile(absPath, `${file}: files.${ref.role}: ${ref.path}`, limitFor(ref.role), { file, role: ref.role, path: ref.path });

/** Checks one pack file's hash without keeping its bytes; returns its size. */
export async function verifyFile(absPath: string, ref: FileRef, file = 'manifest.json'): Promise<number> {
  const { fh } = await openPackFile(absPath, ref, file);
  try {
    const { sha256, bytes } = await streamHash(fh);
    if (sha256 !== ref.sha256) throw mismatch(ref, file, sha256);
    return bytes;
  } finally {
    await fh.close();
  }
}

/**
 * Reads one pack file whose bytes are needed (a graph, an exemplar): the hash is streamed first,
 * so a huge or wrong file is refused before it is held in memory, then the bytes are read from the
 * same handle and hashed again (the file cannot change between the check and the use).
 */
export async function readVerified(absPath: string, ref: FileRef, file = 'manifest.json'): Promise<Buffer> {
  const { fh } = await openPackFile(absPath, ref, file);
  try {
    const first = await streamHash(fh);
    if (first.sha256 !== ref.sha256) throw mismatch(ref, file, first.sha256);
    const bytes = Buffer.alloc(first.bytes);
    let position = 0;
    while (position < bytes.length) {
      const { bytesRead } = await fh.read(bytes, position, Math.min(CHUNK * 64, bytes.length - position), position);
      if (bytesRead === 0) break;
      position += bytesRead;
    }
    const actual = sha256Hex(bytes.subarray(0, position));
    if (actual !== ref.sha256) throw mismatch(ref, file, actual);
    return bytes;
  } finally {
    await fh.close();
  }
}

/**
 * Reads a graph of a pack already registered (validated when it was added, and held in the
 * study's own folder) for a session: the bytes are hashed as they are read, in one pass, and
 * refused unless that hash is the manifest's, so ORT sees only checked bytes. Unlike readVerified
 * it holds a changed file (within PACK_LIMITS) before refusing it; in exchange opening a model
 * hashes each graph once — readVerified on an 87 MB ViT-S/8 backbone took 230–270 ms, this ~90.
 */
export async function readRegistered(absPath: string, ref: FileRef, file = 'manifest.json'): Promise<Buffer> {
  const { fh, size } = await openPackFile(absPath, ref, file);
  try {
    const hash = createHash('sha256');
    const bytes = Buffer.alloc(size);
    let position = 0;
    while (position < bytes.length) {
      const { bytesRead } = await fh.read(bytes, position, Math.min(CHUNK * 64, bytes.length - position), position);
      if (bytesRead === 0) break;
      hash.update(bytes.subarray(position, position + bytesRead));
      position += bytesRead;
    }
    const actual = hash.digest('hex');
    if (actual !== ref.sha256) throw mismatch(ref, file, actual);
    return position === bytes.length ? bytes : bytes.subarray(0, position);
  } finally {
    await fh.close();
  }
}

/**
 * The pack's own hash: SHA-256 over the manifest's hash and every file's role, path and hash
 * (sorted by role), so a change to any file — or to the manifest's window or normalisation —
 * makes it another model.
 */
export function packHash(manifestSha256: string, files: PackFile[]): string {
  const lines = [
    `manifest.json ${manifestSha256}`,
    ...[...files].sort((a, b) => (a.role < b.role ? -1 : 1)).map((f) => `${f.role} ${f.path} ${f.sha256}`),
  ];
  return sha256Hex(lines.join('\n'));
}
