// Numbered, forward-only SQL migrations (migrations/NNNN_name.sql), applied at start-up.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { VerdictError } from '../../../app/errors';

export type Migration = { id: number; name: string; sql: string; checksum: string };

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export function loadMigrations(dir: string): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((file) => {
      const m = FILE_NAME.exec(file);
      if (!m) throw new VerdictError('db.migrations-out-of-order', `Migration file ${file} is not named NNNN_name.sql.`, { file });
      const sql = readFileSync(join(dir, file), 'utf8');
      return { id: Number(m[1]), name: file, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    })
    .sort((a, b) => a.id - b.id);
  migrations.forEach((m, i) => {
    if (m.id !== i + 1)
      throw new VerdictError(
        'db.migrations-out-of-order',
        `Migrations must be numbered 0001, 0002, … without gaps; found ${m.name} at position ${i + 1}.`,
        { file: m.name },
      );
  });
  return migrations;
}

type Applied = { id: number; name: string; checksum: string };

/** Reads what the database has applied without writing anything. */
export function appliedMigrations(db: Database): Applied[] {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!table) return [];
  return db.prepare('SELECT id, name, checksum FROM schema_migrations ORDER BY id').all() as Applied[];
}

/**
 * Refuses a database this version cannot safely write: one from a newer Verdict, or one whose
 * applied migrations are not a prefix of ours. Must run before any write (even a PRAGMA that
 * changes the file header), so a refused database is left exactly as it was.
 */
export function checkCompatible(db: Database, file: string, migrations: Migration[]): Applied[] {
  const applied = appliedMigrations(db);
  const userVersion = db.pragma('user_version', { simple: true }) as number;
  const newest = applied.at(-1)?.id ?? 0;
  if (newest > migrations.length || userVersion > migrations.length) {
    const theirs = Math.max(newest, userVersion);
    throw new VerdictError(
      'db.newer-schema',
      `${file} was written by a newer version of Verdict (schema ${theirs}; this version knows up to ${migrations.length}). It has not been modified: update Verdict to open it.`,
      { file, schema: theirs, supported: migrations.length },
    );
  }
  applied.forEach((a, i) => {
    const ours = migrations[i];
    if (a.id !== i + 1 || a.name !== ours.name || a.checksum !== ours.checksum) {
      throw new VerdictError(
        'db.migrations-out-of-order',
        `${file}: applied migration ${a.name} (id ${a.id}) does not match this version's ${ours.name}. The database has not been modified.`,
        { file, migration: a.name },
      );
    }
  });
  return applied;
}

/** Applies every pending migration in one transaction; returns the schema version. */
export function applyPending(db: Database, migrations: Migration[], applied: Applied[], now: () => Date): number {
  const pending = migrations.slice(applied.length);
  if (pending.length === 0) return migrations.length;
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
    const record = db.prepare('INSERT INTO schema_migrations (id, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
    for (const m of pending) {
      try {
        db.exec(m.sql);
      } catch (e) {
        throw new VerdictError('db.migration-failed', `Migration ${m.name} failed: ${(e as Error).message}. Nothing was changed.`, {
          migration: m.name,
        });
      }
      record.run(m.id, m.name, m.checksum, now().toISOString());
    }
    db.pragma(`user_version = ${migrations.length}`);
  })();
  return migrations.length;
}
