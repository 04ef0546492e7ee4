// The study's own copies of the model packs a coordinator adds: `<data>/model-packs/<id>-<sha12>/`
// beside the study database. A pack is validated where it is, copied (manifest.json and the files
// it lists, nothing else) into a hidden temporary folder in the store, checked again there (every
// file's SHA-256 and the pack hash must be the original's), and only then renamed into place. The
// registered row points at the copy, so moving or deleting the original breaks nothing; the copy's
// name carries its hash, so two versions of a pack never share a folder and a copy is never
// overwritten by other content.
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync } from 'node:fs';
import { copyFile, mkdir, realpath, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { VerdictError } from '../../../app/errors';
import { PRIVATE_DIR_MODE } from '../db/private-files';
import { loadPack, type LoadedPack } from './load-pack';
import { resolvePackPath } from './pack-files';

/** The store beside a study database file (none for an in-memory database). */
export const packStoreFor = (dbPath: string): string | undefined =>
  dbPath === ':memory:' ? undefined : join(dirname(dbPath), 'model-packs');

/** Where a pack with this id and hash lives in the store. */
export const storedPackDir = (store: string, pack: Pick<LoadedPack, 'manifest' | 'sha256'>): string =>
  join(store, `${pack.manifest.id}-${pack.sha256.slice(0, 12)}`);

/** The stored copy of `dir` if it is already there and intact, else null. */
async function intactCopy(dest: string, sha256: string): Promise<LoadedPack | null> {
  if (!existsSync(join(dest, 'manifest.json'))) return null;
  const copy = await loadPack(dest, { trusted: (s) => s === sha256 }).catch(() => null);
  return copy?.sha256 === sha256 ? copy : null;
}

/**
 * Copies the validated pack `src` into `store` and returns the copy, loaded and checked (its
 * graphs are not opened again: the copy must hash to the pack already validated). An intact
 * copy already there is reused; anything else under that name (a damaged copy) is replaced.
 */
export async function copyIntoStore(src: LoadedPack, store: string): Promise<LoadedPack> {
  await mkdir(store, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (process.platform !== 'win32') chmodSync(store, PRIVATE_DIR_MODE);
  const dest = storedPackDir(store, src);
  const existing = await intactCopy(dest, src.sha256);
  if (existing) return existing;
  const tmp = join(store, `.incoming-${randomUUID()}`);
  let copy: LoadedPack;
  const label = `${src.manifest.id}/manifest.json`;
  try {
    await mkdir(tmp, { mode: PRIVATE_DIR_MODE });
    await copyFile(join(src.dir, 'manifest.json'), join(tmp, 'manifest.json'));
    const copied = new Set<string>();
    for (const f of src.files) {
      if (copied.has(f.path)) continue;
      const from = await resolvePackPath(src.dir, f.role, f.path, label).catch((e: unknown) => {
        // A role the pack may lack (load-pack.ts lets a test-only file be absent) is not copied either.
        if ((f as { bytes: number | null }).bytes === null && e instanceof VerdictError && e.code === 'model.missing-file') return null;
        throw e;
      });
      if (from === null) continue;
      const to = join(tmp, f.path);
      await mkdir(dirname(to), { recursive: true });
      await copyFile(from, to);
      copied.add(f.path);
    }
    copy = await loadPack(tmp, { trusted: (s) => s === src.sha256 });
    if (copy.sha256 !== src.sha256)
      throw new VerdictError(
        'model.hash-mismatch',
        `${src.dir}: the copy in ${store} hashes to ${copy.sha256.slice(0, 12)}… but the pack validated as ${src.sha256.slice(0, 12)}…; a file changed while it was copied. Add the pack again.`,
        { path: src.dir, file: 'manifest.json' },
      );
    await rm(dest, { recursive: true, force: true });
    await rename(tmp, dest);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  // Checked in the temporary folder; the rename moves those very files (no third read of a large pack).
  return { ...copy, dir: await realpath(dest) };
}
