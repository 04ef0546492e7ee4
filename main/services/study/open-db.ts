// Opens (or creates) a study database: refuses incompatible files untouched, then turns on
// WAL and foreign keys and applies pending migrations.
import Sqlite from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { VerdictError } from '../../../app/errors';
import { applyPending, checkCompatible, type Migration } from './migrations';

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
    } catch (e) {
      if (e instanceof VerdictError) throw e;
      // SQLite reads the header lazily: a non-database file fails on the first query.
      throw new VerdictError('db.corrupt', `${name} is not a Verdict study database (${(e as Error).message}). It has not been modified.`, { file: name });
    }
    // Durability first: WAL with synchronous=FULL means a committed answer survives a crash
    // of the app and of the machine.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const schemaVersion = applyPending(db, migrations, applied, now);
    return { db, path, schemaVersion };
  } catch (e) {
    db.close();
    throw e;
  }
}
