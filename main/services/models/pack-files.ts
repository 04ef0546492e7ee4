// The files a manifest names: each must stay inside the pack folder (no absolute paths, no
// `..`, no symlink that resolves elsewhere), exist, and have the SHA-256 the manifest records.
import { createHash } from 'node:crypto';
import { readFile, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep, win32 } from 'node:path';
import { VerdictError } from '../../../app/errors';

export type PackFile = { role: string; path: string; sha256: string; bytes: number };

export const sha256Hex = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

const outside = (file: string, role: string, path: string, why: string) =>
  new VerdictError('model.path-outside-pack', `${file}: files.${role}.path "${path}" ${why}; every file of a pack must be inside its folder.`, { file, role, path });

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
    throw new VerdictError('model.missing-file', `${file}: files.${role}: ${path} is missing from the pack folder ${packDir}.`, { file, role, path });
  }
  const rel = relative(packDir, real);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw outside(file, role, path, `resolves to ${real}, outside the pack`);
  return real;
}

/** Reads one pack file and checks its hash; returns its bytes. */
export async function readVerified(absPath: string, ref: { role: string; path: string; sha256: string }, file = 'manifest.json'): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(absPath);
  } catch (e) {
    throw new VerdictError('model.missing-file', `${file}: files.${ref.role}: cannot read ${ref.path} (${(e as Error).message}).`, { file, role: ref.role, path: ref.path });
  }
  const actual = sha256Hex(bytes);
  if (actual !== ref.sha256) {
    throw new VerdictError('model.hash-mismatch', `${ref.path}: SHA-256 is ${actual} but ${file} says ${ref.sha256}; the file has changed since the pack was exported.`, {
      file: ref.path, expected: ref.sha256, actual,
    });
  }
  return bytes;
}

/**
 * The pack's own hash: SHA-256 over the manifest's hash and every file's role, path and hash
 * (sorted by role), so a change to any file — or to the manifest's window or normalisation —
 * makes it another model.
 */
export function packHash(manifestSha256: string, files: PackFile[]): string {
  const lines = [`manifest.json ${manifestSha256}`, ...[...files].sort((a, b) => (a.role < b.role ? -1 : 1)).map((f) => `${f.role} ${f.path} ${f.sha256}`)];
  return sha256Hex(lines.join('\n'));
}
