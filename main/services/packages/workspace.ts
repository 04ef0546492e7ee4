// A reader's workspace: a study package opened at the reader's workstation becomes its own study
// database, <data>/workspaces/<study uuid>/study.db, with the package's images beside it. Its rows
// keep the coordinator's ids (the database is new, so they are free), which is what lets the answers
// merge back; each trial carries what it shows (packaged_trial, read by the reading code instead of
// maps it does not have). The reader's passphrase is set here so they can sign in, and the data
// folder's reader key (which signs answer packages) is made. The folder is built aside and renamed
// into place, so a failed open leaves nothing half made; opening the same package again changes
// nothing, and a workspace never takes a second package.
import Sqlite from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { VerdictError } from '../../../app/errors';
import { migrationsDir } from '../../paths';
import { loadMigrations } from '../db/migrations';
import { openStudyDb } from '../db/open-db';
import { appendEvent } from '../db/event-log';
import { sha256Of } from '../db/canonical-json';
import { ensurePrivateDir, makePrivate } from '../db/private-files';
import { hashPassphrase } from '../access/passphrase';
import { packagedStimuli, type PackagedTrialJson } from '../study/packaged-trial';
import { readPackage, type OpenedPackage } from './package-archive';
import { signingKey } from './package-keys';
import { insertPackagedRows, STUDY_JSON_FORMAT, type Row, type StudyJson } from './packaged-study';

export type OpenStudyPackageRequest = {
  file: string;
  dataDir: string;
  passphrase: string;
  now: () => Date;
  /** better-sqlite3 built for the host's ABI (Electron's), as createVerdict got it. */
  nativeBinding?: string;
};
export type OpenedWorkspace = {
  dbPath: string;
  studyId: number;
  studyName: string;
  readerName: string;
  /** The key that signed the package: the reader compares it with the one the coordinator tells them. */
  coordinatorFingerprint: string;
  /** This data folder's reader key, which signs the answer packages: the reader tells it to the coordinator. */
  readerFingerprint: string;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const workspaceDbPath = (dataDir: string, studyUuid: string): string => join(dataDir, 'workspaces', studyUuid, 'study.db');

export async function openStudyPackage(a: OpenStudyPackageRequest): Promise<OpenedWorkspace> {
  const pkg = readPackage(a.file, 'study');
  const { uuid } = pkg.manifest.study;
  if (!UUID.test(uuid)) throw invalid(pkg, 'verdict-package.json', `its study uuid "${uuid}" is not a UUID`);
  const dbPath = workspaceDbPath(a.dataDir, uuid);
  if (existsSync(dbPath)) return alreadyOpened(pkg, dbPath, a);
  if (a.passphrase.length < 8)
    throw new VerdictError('api.invalid-args', 'passphrase: use at least 8 characters.', { field: 'passphrase' });
  const study = studyJsonOf(pkg);
  const readerKey = signingKey(a.dataDir, 'reader');
  const hash = await hashPassphrase(a.passphrase);
  const finalDir = dirname(dbPath);
  ensurePrivateDir(dirname(finalDir));
  const temp = join(dirname(finalDir), `.${uuid}.${process.pid}.${Date.now()}.partial`);
  ensurePrivateDir(temp);
  try {
    writeImages(pkg, study, temp, finalDir);
    const ws = openStudyDb(join(temp, 'study.db'), loadMigrations(migrationsDir()), { now: a.now, nativeBinding: a.nativeBinding });
    try {
      fillWorkspace(ws.db, pkg, study, { passphraseHash: hash, readerFingerprint: readerKey.fingerprint, at: a.now().toISOString() });
      // The event log's head is written once the transaction has committed (a microtask).
      await new Promise((r) => setImmediate(r));
    } finally {
      ws.db.close();
    }
    if (existsSync(finalDir)) {
      // A folder without a database: never opened there, but what it holds is not ours to delete.
      if (readdirSync(finalDir).length > 0)
        throw new VerdictError(
          'package.wrong-database',
          `${finalDir} exists but holds no workspace database; move it away to open the package.`,
          {
            file: pkg.file,
          },
        );
      rmdirSync(finalDir);
    }
    renameSync(temp, finalDir);
  } catch (e) {
    rmSync(temp, { recursive: true, force: true });
    throw e;
  }
  return resultOf(pkg, dbPath, a);
}

const invalid = (pkg: OpenedPackage, part: string, what: string) =>
  new VerdictError('package.invalid', `${pkg.file} is refused: ${what}.`, { file: pkg.file, part });

function studyJsonOf(pkg: OpenedPackage): StudyJson {
  const bytes = pkg.parts.get('study.json');
  if (!bytes) throw invalid(pkg, 'study.json', 'it has no study.json');
  let study: StudyJson;
  try {
    study = JSON.parse(bytes.toString('utf8')) as StudyJson;
  } catch {
    throw invalid(pkg, 'study.json', 'study.json is not JSON');
  }
  if (study?.format !== STUDY_JSON_FORMAT || typeof study.tables !== 'object' || study.tables === null)
    throw invalid(pkg, 'study.json', `study.json is not a ${STUDY_JSON_FORMAT} document`);
  const one = (table: keyof StudyJson['tables']): Row => {
    const rows = study.tables[table];
    if (!Array.isArray(rows) || rows.length !== 1) throw invalid(pkg, 'study.json', `study.json must hold exactly one ${table} row`);
    return rows[0];
  };
  const m = pkg.manifest;
  if (one('study').uuid !== m.study.uuid || one('protocol').sha256 !== m.study.protocolSha256)
    throw invalid(pkg, 'study.json', 'study.json names another study or protocol than its manifest');
  if (one('reader').id !== m.reader.id || one('assignment').reader_id !== m.reader.id || one('assignment').study_id !== one('study').id)
    throw invalid(pkg, 'study.json', 'study.json assigns another reader than its manifest names');
  return study;
}

/** Writes each image part into the workspace folder; its row then points at the file where the folder will be. */
function writeImages(pkg: OpenedPackage, study: StudyJson, temp: string, finalDir: string): void {
  for (const img of study.tables.image) {
    const part = img.path as string;
    const data = typeof part === 'string' && /^images\/[0-9]+\.[a-z]+$/.test(part) ? pkg.parts.get(part) : undefined;
    if (!data) throw invalid(pkg, 'study.json', `image ${img.id} names no image part of the package (${String(part)})`);
    if (sha256Of(data) !== img.sha256) throw invalid(pkg, part, `${part} is not the image its row describes (SHA-256 differs)`);
    mkdirSync(join(temp, 'images'), { recursive: true });
    writeFileSync(join(temp, part), data, { mode: 0o600 });
    makePrivate(join(temp, part));
    img.path = join(finalDir, part);
  }
}

function fillWorkspace(
  db: Database,
  pkg: OpenedPackage,
  study: StudyJson,
  o: { passphraseHash: string; readerFingerprint: string; at: string },
): void {
  const studyId = study.tables.study[0].id as number;
  const readerId = pkg.manifest.reader.id;
  db.transaction(() => {
    insertPackagedRows(db, study.tables, pkg.file);
    db.prepare('UPDATE reader SET passphrase_hash = ? WHERE id = ?').run(o.passphraseHash, readerId);
    db.prepare(
      'INSERT INTO workspace (study_id, study_uuid, package_sha256, coordinator_fingerprint, opened_at) VALUES (?, ?, ?, ?, ?)',
    ).run(studyId, pkg.manifest.study.uuid, pkg.sha256, pkg.manifest.signer.fingerprint, o.at);
    const insert = db.prepare(
      'INSERT INTO packaged_trial (trial_id, case_json, stimuli_json, values_blob, prediction_json) VALUES (?, ?, ?, ?, ?)',
    );
    for (const t of study.tables.trial) {
      const json = pkg.parts.get(`trials/${t.id}.json`);
      const values = pkg.parts.get(`trials/${t.id}.bin`);
      if (!json || !values) throw invalid(pkg, `trials/${t.id}.json`, `trial ${t.id} has no trials/${t.id}.json and .bin`);
      const row = packagedTrialRow(pkg, t.id as number, json, values);
      insert.run(row.trial_id, row.case_json, row.stimuli_json, row.values_blob, row.prediction_json);
    }
    appendEvent(
      db,
      'package.opened',
      {
        studyId,
        studyUuid: pkg.manifest.study.uuid,
        readerId,
        packageSha256: pkg.sha256,
        coordinatorFingerprint: pkg.manifest.signer.fingerprint,
        readerFingerprint: o.readerFingerprint,
        appVersion: pkg.manifest.appVersion,
      },
      o.at,
    );
  }).immediate();
}

function packagedTrialRow(pkg: OpenedPackage, trialId: number, json: Buffer, values: Buffer) {
  const part = `trials/${trialId}.json`;
  let t: PackagedTrialJson;
  try {
    t = JSON.parse(json.toString('utf8')) as PackagedTrialJson;
  } catch {
    throw invalid(pkg, part, `${part} is not JSON`);
  }
  if (
    typeof t?.case !== 'object' ||
    t.case === null ||
    !Array.isArray(t.stimuli) ||
    !(t.prediction === null || Array.isArray(t.prediction))
  )
    throw invalid(pkg, part, `${part} is not a packaged trial (case, stimuli, prediction)`);
  const row = {
    trial_id: trialId,
    case_json: JSON.stringify(t.case),
    stimuli_json: JSON.stringify(t.stimuli),
    values_blob: values,
    prediction_json: t.prediction === null ? null : JSON.stringify(t.prediction),
  };
  try {
    packagedStimuli(row);
  } catch {
    throw invalid(pkg, `trials/${trialId}.bin`, `trials/${trialId}.bin does not hold the values of its stimuli's grids`);
  }
  return row;
}

/** The workspace exists: the same package again is a no-op; any other is refused (a workspace holds one package). */
function alreadyOpened(pkg: OpenedPackage, dbPath: string, a: OpenStudyPackageRequest): OpenedWorkspace {
  const db = readOnly(dbPath, a.nativeBinding);
  let ws: { study_uuid: string; package_sha256: string; opened_at: string } | undefined;
  try {
    ws = db.prepare('SELECT study_uuid, package_sha256, opened_at FROM workspace').get() as typeof ws;
  } catch {
    ws = undefined;
  } finally {
    db.close();
  }
  if (!ws)
    throw new VerdictError(
      'package.wrong-database',
      `${dbPath} is a study database but not a reading workspace; the package is not opened over it.`,
      {
        file: pkg.file,
      },
    );
  if (ws.study_uuid !== pkg.manifest.study.uuid)
    throw new VerdictError(
      'package.wrong-study',
      `${pkg.file} is refused: it is from another study ("${pkg.manifest.study.name}") than the workspace at ${dirname(dbPath)} holds.`,
      { file: pkg.file },
    );
  if (ws.package_sha256 !== pkg.sha256)
    throw new VerdictError(
      'package.wrong-study',
      `${pkg.file} is refused: the workspace at ${dirname(dbPath)} already holds another package of "${pkg.manifest.study.name}" (opened ${ws.opened_at}), and its answers stay with that one.`,
      { file: pkg.file },
    );
  return resultOf(pkg, dbPath, a);
}

const readOnly = (dbPath: string, nativeBinding?: string): Database =>
  new Sqlite(dbPath, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });

function resultOf(pkg: OpenedPackage, dbPath: string, a: OpenStudyPackageRequest): OpenedWorkspace {
  const db = readOnly(dbPath, a.nativeBinding);
  try {
    const s = db.prepare('SELECT id, name FROM study').get() as { id: number; name: string };
    return {
      dbPath,
      studyId: s.id,
      studyName: s.name,
      readerName: pkg.manifest.reader.name,
      coordinatorFingerprint: pkg.manifest.signer.fingerprint,
      readerFingerprint: signingKey(a.dataDir, 'reader').fingerprint,
    };
  } finally {
    db.close();
  }
}
