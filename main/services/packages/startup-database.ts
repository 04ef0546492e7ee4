// Which database a host opens at start. A reader at another site reads in a workspace for weeks;
// after a restart they should land in it again, not in the data folder's empty study.db. So the
// workspace opened last is remembered (<data>/workspaces/current) — but only on a workstation
// whose own study.db has no coordinator account (a reader's): a coordinator who tried a package on
// their own workstation gets their study back on restart, as the Open dialog tells them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { preparePrivateFile } from '../db/private-files';

const pointerOf = (dataDir: string): string => join(dataDir, 'workspaces', 'current');

/** Records the workspace just opened as the one to open at the next start (`readersWorkstation`: the data folder's study.db has no coordinator). */
export function rememberWorkspace(dataDir: string, workspaceDb: string, readersWorkstation: boolean): void {
  const rel = relative(join(dataDir, 'workspaces'), resolve(workspaceDb));
  if (!readersWorkstation || rel.startsWith('..') || isAbsolute(rel)) return;
  const file = pointerOf(dataDir);
  preparePrivateFile(file);
  writeFileSync(file, rel + '\n', { mode: 0o600 });
}

/** The database to open at start: the remembered workspace if it is still there, else the data folder's study.db. */
export function startupDatabase(dataDir: string): { dbPath: string; workspace: boolean } {
  const home = { dbPath: join(dataDir, 'study.db'), workspace: false };
  const file = pointerOf(dataDir);
  if (!existsSync(file)) return home;
  const rel = readFileSync(file, 'utf8').trim();
  const dbPath = resolve(dataDir, 'workspaces', rel);
  // Only a study.db under this data folder's workspaces/ is followed (the file is ours, but a pointer must not lead elsewhere).
  if (!rel || relative(join(dataDir, 'workspaces'), dbPath).startsWith('..') || !existsSync(dbPath)) return home;
  return { dbPath, workspace: true };
}
