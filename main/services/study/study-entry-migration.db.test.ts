// Migration 0005 rebuilds study_entry so a study can read several nodules of a CT case: a
// database written before it (schema 4) with a study under way keeps every entry, trial and
// answer, its foreign keys hold, and the new table takes a second nodule of a case while still
// refusing the same (case, nodule) twice and a nodule-less case twice.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrationsDir } from '../../paths';
import { loadMigrations } from '../db/migrations';
import { openStudyDb } from '../db/open-db';

const migrations = loadMigrations(migrationsDir());
const AT = '2026-01-01T00:00:00.000Z';

/** A schema-4 database holding a CT and a dermoscopy case, a study of both, a reader's trials and an answer. */
function schema4WithStudy(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'verdict-m5-')), 'study.db');
  const before = migrations.findIndex((m) => m.name.startsWith('0005_'));
  expect(before).toBe(4);
  const { db, schemaVersion } = openStudyDb(file, migrations.slice(0, before));
  expect(schemaVersion).toBe(4);
  const run = (sql: string, ...args: unknown[]) => Number(db.prepare(sql).run(...args).lastInsertRowid);
  const ct = run("INSERT INTO study_case (label, source, modality, created_at) VALUES ('CT-001', 'lidc', 'CT', ?)", AT);
  const derm = run("INSERT INTO study_case (label, source, modality, created_at) VALUES ('Derm-001', 'isic', 'dermoscopy', ?)", AT);
  const nodule = (n: number, readers: number) =>
    run(
      'INSERT INTO nodule (case_id, label, reader_count, centroid_x, centroid_y, centroid_slice, largest_slice) VALUES (?, ?, ?, 300, 350, 80, 80)',
      ct,
      `Nodule ${n}`,
      readers,
    );
  const n1 = nodule(1, 4);
  nodule(2, 3);
  const protocol = run(
    "INSERT INTO protocol (protocol_id, version, title, modality, protocol_json, sha256, created_at) VALUES ('p', 1, 'P', 'CT', '{}', 'x', ?)",
    AT,
  );
  const study = run("INSERT INTO study (name, protocol_row_id, resolved_json, created_at) VALUES ('Under way', ?, '{}', ?)", protocol, AT);
  run('INSERT INTO study_entry (study_id, case_index, case_id, nodule_id) VALUES (?, 0, ?, ?)', study, ct, n1);
  run('INSERT INTO study_entry (study_id, case_index, case_id, nodule_id) VALUES (?, 1, ?, NULL)', study, derm);
  const reader = run("INSERT INTO reader (name, role, created_at) VALUES ('Dr Chest', 'reader', ?)", AT);
  const assignment = run(
    "INSERT INTO assignment (study_id, reader_id, reader_index, seed, labels_json, trials_sha256, created_at) VALUES (?, ?, 0, 7, '{}', 'x', ?)",
    study,
    reader,
    AT,
  );
  const trial = run(
    "INSERT INTO trial (assignment_id, position, case_index, case_id, nodule_id, phase, kind) VALUES (?, 0, 0, ?, ?, 'unaided', 'case')",
    assignment,
    ct,
    n1,
  );
  run(
    "INSERT INTO answer (trial_id, reader_id, question_id, question_version, version, value_json, display_state_json, time_on_trial_ms, created_at, ai_seen, explanation_seen) VALUES (?, ?, 'malignancy', 1, 1, '4', '{}', 1000, ?, 0, 0)",
    trial,
    reader,
    AT,
  );
  db.close();
  return file;
}

const entries = (db: Database) => db.prepare('SELECT * FROM study_entry ORDER BY study_id, case_index').all();

describe('migration 0005: study_entry per (case, nodule)', () => {
  it('keeps a pre-existing study’s entries, trials and answers, with every foreign key holding', () => {
    const file = schema4WithStudy();
    const { db: old } = openStudyDb(file, migrations.slice(0, 4));
    const entriesBefore = entries(old);
    const trialsBefore = old.prepare('SELECT * FROM trial').all();
    const answersBefore = old.prepare('SELECT * FROM answer').all();
    old.close();

    const { db, schemaVersion } = openStudyDb(file, migrations);
    expect(schemaVersion).toBe(migrations.length);
    expect(entries(db)).toEqual(entriesBefore);
    expect(entriesBefore).toHaveLength(2);
    expect(db.prepare('SELECT * FROM trial').all()).toEqual(trialsBefore);
    expect(db.prepare('SELECT * FROM answer').all()).toEqual(answersBefore);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // The rebuilt table has the new constraint, its foreign keys, and no leftover.
    const sql = (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'study_entry'").pluck().get() as string).replace(/\s+/g, ' ');
    expect(sql).toContain('UNIQUE (study_id, case_id, nodule_id)');
    expect(sql).not.toContain('UNIQUE (study_id, case_id)');
    expect((db.pragma('foreign_key_list(study_entry)') as { table: string }[]).map((k) => k.table).sort()).toEqual([
      'nodule',
      'study',
      'study_case',
    ]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'study_entry_new'").get()).toBeUndefined();
    db.close();
  });

  it('takes a second nodule of a case, and refuses a (case, nodule) twice, a nodule-less case twice and a missing nodule', () => {
    const { db } = openStudyDb(schema4WithStudy(), migrations);
    const study = db.prepare('SELECT id FROM study').pluck().get() as number;
    const [ct, derm] = db.prepare('SELECT id FROM study_case ORDER BY id').pluck().all() as number[];
    const [n1, n2] = db.prepare('SELECT id FROM nodule ORDER BY id').pluck().all() as number[];
    const insert = db.prepare('INSERT INTO study_entry (study_id, case_index, case_id, nodule_id) VALUES (?, ?, ?, ?)');
    insert.run(study, 2, ct, n2);
    expect(db.prepare('SELECT count(*) FROM study_entry WHERE case_id = ?').pluck().get(ct)).toBe(2);
    expect(() => insert.run(study, 3, ct, n1)).toThrow(/UNIQUE/);
    expect(() => insert.run(study, 3, derm, null)).toThrow(/UNIQUE/);
    expect(() => insert.run(study, 3, ct, 9999)).toThrow(/FOREIGN KEY/);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });
});
