// Opens (or creates) a study database: refuses incompatible or damaged files untouched, then
// turns on WAL and foreign keys, applies pending migrations, makes the files the user's alone
// and starts watching the WAL and the event log's head (event-head.ts).
import Sqlite from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { VerdictError } from '../../../app/errors';
import { applyPending, checkCompatible, type Migration } from './migrations';
import { guardStudyDb } from './event-head';
import { makePrivate } from './private-files';

export type StudyDb = { db: Database; path: string; schemaVersion: number };

export type OpenOptions = { now?: () => Date; nativeBinding?: string };

export function openStudyDb(path: string, migrations: Migration[], opts: OpenOptions = {}): StudyDb {
  const now = opts.now ?? (() => new Date());
  const name = path === ':memory:' ? path : basename(path);
  const isNew = path === ':memory:' || !existsSync(path);
  let db: Database;
  try {
    db = new Sqlite(path, { fileMustExist: !isNew, ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}) });
  } catch (e) {
    throw new VerdictError('db.corrupt', `Cannot open study database ${name}: ${(e as Error).message}`, { file: name });
  }
  try {
    let applied;
    try {
      applied = checkCompatible(db, name, migrations);
      if (!isNew) checkNotDamaged(db, name);
    } catch (e) {
      if (e instanceof VerdictError) throw e;
      if (isCorruption(e)) throw damaged(name, (e as Error).message);
      // SQLite reads the header lazily: a non-database file fails on the first query.
      throw new VerdictError('db.corrupt', `${name} is not a Verdict study database (${(e as Error).message}). It has not been modified.`, {
        file: name,
      });
    }
    // Before the WAL exists: SQLite creates it with the database file's mode.
    if (path !== ':memory:') makePrivate(path);
    // Durability first: WAL with synchronous=FULL means a committed answer survives a crash
    // of the app and of the machine.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const schemaVersion = applyPending(db, migrations, applied, now);
    if (path !== ':memory:') {
      // SQLite gives a new WAL the database file's mode; an older one may predate that.
      makePrivate(`${path}-wal`, `${path}-shm`);
      guardStudyDb(db, path);
    }
    return { db, path, schemaVersion };
  } catch (e) {
    db.close();
    throw e;
  }
}

const isCorruption = (e: unknown): boolean => /^SQLITE_CORRUPT/.test(String((e as { code?: unknown }).code ?? ''));

const damaged = (name: string, finding: string) =>
  new VerdictError(
    'db.corrupt',
    `${name} is damaged (SQLite's check: ${finding.split('\n')[0].slice(0, 200)}). Verdict will not serve it, so no answer is written into a damaged file; it has not been modified. ` +
      'To recover, open the last copy saved with File › Export… (verdict-study-copy.db): File › Open study… in the app, or `npm run serve -- --db COPY`. ' +
      `What is still readable can be salvaged with \`sqlite3 ${name} .recover | sqlite3 recovered.db\`.`,
    { file: name },
  );

/**
 * SQLite's quick_check (structure of every page, no index-content cross-check), stopping at the
 * first finding. It reads the whole file once — milliseconds for a study of tens of MB — and
 * catches the overwritten or truncated pages that would otherwise be served until a query trips.
 */
function checkNotDamaged(db: Database, name: string): void {
  const finding = db.pragma('quick_check(1)', { simple: true }) as string;
  if (finding !== 'ok') throw damaged(name, finding);
}
