import { createHash } from 'node:crypto';
import {
  mkdtempSync,
  readFileSync,
  writeFileSync,
  copyFileSync,
  mkdirSync,
  chmodSync,
  statSync,
  openSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrationsDir } from '../../paths';
import { loadMigrations } from './migrations';
import { openStudyDb } from './open-db';
import { appendEvent } from './event-log';
import { performance } from 'node:perf_hooks';
import { randomFillSync as fillRandom } from 'node:crypto';

const migrations = loadMigrations(migrationsDir());
const tmp = () => mkdtempSync(join(tmpdir(), 'verdict-db-'));
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('openStudyDb', () => {
  it('creates a database with every migration applied, WAL and foreign keys on', () => {
    const file = join(tmp(), 'study.db');
    const { db, schemaVersion } = openStudyDb(file, migrations);
    expect(schemaVersion).toBe(migrations.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    const recorded = db.prepare('SELECT id, name FROM schema_migrations ORDER BY id').all();
    expect(recorded).toEqual(migrations.map((m) => ({ id: m.id, name: m.name })));
    for (const table of [
      'study_case',
      'series',
      'image',
      'lidc_reading',
      'lidc_mark',
      'lidc_contour',
      'nodule',
      'dermo_truth',
      'mask',
      'model',
      'explanation',
      'reader',
      'answer',
      'event',
    ]) {
      expect(db.prepare("SELECT name FROM sqlite_master WHERE type='table' AND name=?").get(table), table).toBeTruthy();
    }
    // Foreign keys are enforced: a series cannot point at a missing case.
    expect(() =>
      db
        .prepare(
          "INSERT INTO series (case_id, series_uid, modality, rows, columns, slice_count, transfer_syntax) VALUES (999, 'x', 'CT', 1, 1, 1, '1.2')",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('re-opens an up-to-date database without re-applying anything', () => {
    const file = join(tmp(), 'study.db');
    openStudyDb(file, migrations).db.close();
    const again = openStudyDb(file, migrations);
    expect(again.db.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: migrations.length });
    again.db.close();
  });

  it('refuses a database written by a newer version and leaves its bytes untouched', () => {
    const file = join(tmp(), 'newer.db');
    const { db } = openStudyDb(file, migrations);
    db.prepare("INSERT INTO schema_migrations (id, name, checksum, applied_at) VALUES (?, '9999_future.sql', 'x', 'now')").run(
      migrations.length + 1,
    );
    db.pragma('journal_mode = DELETE');
    db.close();
    const before = sha(file);
    expect(() => openStudyDb(file, migrations)).toThrow(/newer version of Verdict \(schema \d+; this version knows up to \d+\)/);
    expect(sha(file)).toBe(before);
  });

  it('refuses a database whose applied migrations differ from ours', () => {
    const file = join(tmp(), 'forked.db');
    const { db } = openStudyDb(file, migrations);
    db.prepare("UPDATE schema_migrations SET checksum = 'tampered' WHERE id = 1").run();
    db.close();
    expect(() => openStudyDb(file, migrations)).toThrow(expect.objectContaining({ code: 'db.migrations-out-of-order' }));
  });

  it('refuses a file that is not a database, naming it', () => {
    const file = join(tmp(), 'notes.db');
    writeFileSync(file, 'this is not sqlite'.repeat(100));
    expect(() => openStudyDb(file, migrations)).toThrow(
      expect.objectContaining({ code: 'db.corrupt', message: expect.stringContaining('notes.db') }),
    );
    expect(readFileSync(file, 'utf8').startsWith('this is not sqlite')).toBe(true);
  });

  it('rolls back every pending migration when one fails', () => {
    const dir = tmp();
    const mdir = join(dir, 'migrations');
    mkdirSync(mdir);
    copyFileSync(join(migrationsDir(), '0001_initial.sql'), join(mdir, '0001_initial.sql'));
    writeFileSync(
      join(mdir, '0002_broken.sql'),
      '-- 0002_broken.sql: fails on purpose.\nCREATE TABLE ok_table (id INTEGER);\nCREATE TABLE study_case (id INTEGER);\n',
    );
    const file = join(dir, 'study.db');
    expect(() => openStudyDb(file, loadMigrations(mdir))).toThrow(/0002_broken\.sql failed/);
    const db = new Sqlite(file);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('study_case', 'ok_table', 'schema_migrations')").all()).toEqual([]);
    db.close();
  });

  it('refuses migration files with a gap in their numbers', () => {
    const dir = join(tmp(), 'm');
    mkdirSync(dir);
    writeFileSync(join(dir, '0001_a.sql'), 'SELECT 1;');
    writeFileSync(join(dir, '0003_c.sql'), 'SELECT 1;');
    expect(() => loadMigrations(dir)).toThrow(/without gaps/);
  });

  it.runIf(process.platform !== 'win32')("keeps the study the user's alone: database, WAL, shared memory and event head 0600", async () => {
    const dir = tmp();
    chmodSync(dir, 0o755);
    const old = process.umask(0o022);
    try {
      const file = join(dir, 'study.db');
      const { db } = openStudyDb(file, migrations);
      // The head file is written after the first event commits.
      db.transaction(() => appendEvent(db, 'reader.created', { readerId: 1 }, new Date().toISOString()))();
      await Promise.resolve();
      for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-head`]) expect((statSync(f).mode & 0o777).toString(8), f).toBe('600');
      db.close();
      // A database made before (0644 files): tightened when opened.
      const older = join(dir, 'older.db');
      new Sqlite(older).exec('PRAGMA journal_mode = WAL; CREATE TABLE IF NOT EXISTS x (y); INSERT INTO x VALUES (1);');
      const made = openStudyDb(join(dir, 'scratch.db'), migrations);
      made.db.close();
      copyFileSync(join(dir, 'scratch.db'), older);
      chmodSync(older, 0o644);
      writeFileSync(`${older}-head`, '');
      chmodSync(`${older}-head`, 0o644);
      const again = openStudyDb(older, migrations);
      for (const f of [older, `${older}-wal`, `${older}-shm`, `${older}-head`])
        expect((statSync(f).mode & 0o777).toString(8), f).toBe('600');
      again.db.close();
    } finally {
      process.umask(old);
    }
  });

  it('refuses a damaged database (5 pages overwritten), saying how to recover, and leaves it untouched', () => {
    // A study-sized file: 100,000 events of ~400 bytes (about 50 MB).
    const file = join(tmp(), 'study.db');
    const { db } = openStudyDb(file, migrations);
    const insert = db.prepare(
      "INSERT INTO event (at, kind, payload_json, prev_hash, hash) VALUES ('2024-01-01T00:00:00.000Z', 'answer', ?, ?, ?)",
    );
    const pad = Buffer.alloc(150);
    db.transaction(() => {
      for (let i = 0; i < 100_000; i++) {
        fillRandom(pad);
        insert.run(
          JSON.stringify({ answerId: i, note: pad.toString('hex') }),
          i.toString(16).padStart(64, '0'),
          (i + 1).toString(16).padStart(64, '0'),
        );
      }
    })();
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.close();
    // The check on the intact file, as every open now runs it (warm cache, this machine).
    const t0 = performance.now();
    const intact = openStudyDb(file, migrations);
    const openMs = performance.now() - t0;
    const t1 = performance.now();
    expect(intact.db.pragma('quick_check(1)', { simple: true })).toBe('ok');
    const checkMs = performance.now() - t1;
    intact.db.close();
    console.log(
      `quick_check(1) on ${pages} pages (${((pages * pageSize) / 1e6).toFixed(0)} MB): ${checkMs.toFixed(0)} ms; the whole open with it ${openMs.toFixed(0)} ms`,
    );
    expect(checkMs).toBeLessThan(3000);

    // Overwrite 5 pages in the middle of the event table with random bytes.
    const fd = openSync(file, 'r+');
    const junk = Buffer.alloc(pageSize);
    for (const at of [0.3, 0.4, 0.5, 0.6, 0.7]) {
      fillRandom(junk);
      writeSync(fd, junk, 0, pageSize, Math.floor(pages * at) * pageSize);
    }
    closeSync(fd);
    const before = sha(file);
    let refusal: unknown;
    try {
      openStudyDb(file, migrations).db.close();
    } catch (e) {
      refusal = e;
    }
    expect(refusal).toMatchObject({ code: 'db.corrupt', message: expect.stringContaining('study.db is damaged') });
    const message = (refusal as Error).message;
    expect(message).toContain('File › Export…');
    expect(message).toContain('--db COPY');
    expect(message).toContain('.recover');
    expect(sha(file)).toBe(before);
  }, 120_000);
});
