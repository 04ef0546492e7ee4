// A study holds unblinded answers and reader names: its folder is the user's alone (0700) and its
// files — study.db, its WAL and shared-memory files, the event-log head, exports and copies — are
// 0600, whatever the umask. POSIX only: on Windows the user's AppData already keeps others out,
// and chmod there can only toggle read-only.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';

const POSIX = process.platform !== 'win32';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates the data folder (and its parents) if needed and makes it 0700. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (POSIX) chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Makes each existing file 0600 (a missing one is skipped: SQLite creates its WAL lazily). */
export function makePrivate(...paths: string[]): void {
  if (!POSIX) return;
  for (const p of paths) if (existsSync(p)) chmodSync(p, PRIVATE_FILE_MODE);
}

/** Creates an empty 0600 file, or makes an existing one 0600, before something writes it (a copy of the study). */
export function preparePrivateFile(path: string): void {
  if (existsSync(path)) makePrivate(path);
  else closeSync(openSync(path, 'wx', PRIVATE_FILE_MODE));
}
