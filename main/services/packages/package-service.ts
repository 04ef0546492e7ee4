// Readers at other sites (issue 17), as the API and the CLI use them: one service over the package
// modules — study packages made (study-package.ts), opened into workspaces (workspace.ts), answer
// packages written (answer-package.ts) and merged (merge-answers.ts). It knows which side the open
// database is: a coordinator's study database, or a reader's workspace (it has a `workspace` row),
// and refuses the other side's functions there.
import { basename, dirname, resolve } from 'node:path';
import type { Database } from 'better-sqlite3';
import { VerdictError } from '../../../app/errors';
import type { AnswerPackageMade, MergeReport, ReaderPackages, StudyPackageMade, StudyPackages, WorkspaceInfo } from '../../../app/packages';
import type { ExplanationService } from '../explain/explain-service';
import type { ImagingService } from '../imaging/imaging-service';
import { signingKey } from './package-keys';
import { createStudyPackage } from './study-package';
import { openStudyPackage } from './workspace';
import { createAnswerPackage } from './answer-package';
import { mergeAnswerPackage } from './merge-answers';
import { rememberWorkspace } from './startup-database';
import { hasAdmin } from '../access/caller';

export type PackageServiceDeps = {
  db: Database;
  /** The open study database's file: its folder is the data folder (keys live there). */
  dbPath: string;
  /** The coordinator's prepared maps and images: packages carry them, a merge records what each trial showed from them. */
  explain: ExplanationService;
  imaging: ImagingService;
  appVersion: string;
  now: () => Date;
  /** better-sqlite3 built for the host's ABI (Electron's), for the workspaces it opens. */
  sqliteBinding?: string;
};

/** A workspace just opened: the database the host should serve now, and what the reader is shown. */
export type OpenedWorkspace = Omit<WorkspaceInfo, 'openedAt'> & { dbPath: string };

/**
 * The data folder of a study database: its folder, or for a workspace (<data>/workspaces/<uuid>/study.db)
 * the data folder it was opened in — where the reader's key is, and where further packages open.
 */
export function dataFolderOf(dbPath: string): string {
  const folder = dirname(resolve(dbPath));
  return basename(dirname(folder)) === 'workspaces' ? dirname(dirname(folder)) : folder;
}

/** "3F2A91C0…" or "3f2a 91c0 …" as fingerprintOf writes it: 16 groups of 4 lower-case hex digits. */
export function canonicalFingerprint(text: string): string {
  const hex = text.replace(/\s+/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex))
    throw new VerdictError(
      'api.invalid-args',
      `A key fingerprint is 64 hex digits (spaces between groups allowed); got "${text.trim()}".`,
      {
        field: 'trust',
      },
    );
  return hex.match(/.{4}/g)!.join(' ');
}

/** Opens a study package into a workspace under `dataDir` (the service's open; the CLI's, which needs no database of its own). */
export async function openPackageInto(
  dataDir: string,
  a: { file: string; passphrase: string },
  now: () => Date = () => new Date(),
  sqliteBinding?: string,
): Promise<OpenedWorkspace> {
  const opened = await openStudyPackage({ file: resolve(a.file), dataDir, passphrase: a.passphrase, now, nativeBinding: sqliteBinding });
  return {
    dbPath: opened.dbPath,
    studyName: opened.studyName,
    readerName: opened.readerName,
    coordinatorFingerprint: opened.coordinatorFingerprint,
    readerFingerprint: opened.readerFingerprint,
  };
}

export class PackageService {
  readonly #deps: PackageServiceDeps;
  readonly #db: Database;
  /** The data folder: keys and workspaces live here. */
  readonly dataDir: string;

  constructor(deps: PackageServiceDeps) {
    this.#deps = deps;
    this.#db = deps.db;
    this.dataDir = dataFolderOf(deps.dbPath);
  }

  // ---- coordinator ----

  async create(a: { studyId: number; readerId: number; site: string | null; out: string }): Promise<StudyPackageMade> {
    this.#coordinatorOnly('make a study package');
    const { db, explain, now, appVersion } = this.#deps;
    const made = await createStudyPackage(
      { db, explain, now, appVersion, dataDir: this.dataDir },
      { studyId: a.studyId, readerId: a.readerId, site: a.site, out: resolve(a.out) },
    );
    const reader = this.#db.prepare('SELECT name, site FROM reader WHERE id = ?').get(a.readerId) as { name: string; site: string | null };
    return {
      file: made.file,
      bytes: made.bytes,
      sha256: made.sha256,
      fingerprint: made.fingerprint,
      readerName: reader.name,
      site: reader.site,
      trials: made.trials,
      images: made.images,
    };
  }

  /** The coordinator key's fingerprint (made on first use). */
  coordinatorFingerprint(): string {
    this.#coordinatorOnly('show the coordinator key');
    return signingKey(this.dataDir, 'coordinator').fingerprint;
  }

  list(studyId: number): StudyPackages {
    this.#coordinatorOnly('list study packages');
    if (!this.#db.prepare('SELECT 1 FROM study WHERE id = ?').get(studyId))
      throw new VerdictError('not-found', `No study with id ${studyId}.`, { studyId });
    const readers = this.#db
      .prepare(
        `SELECT r.id AS readerId, r.name AS readerName, r.site AS site FROM assignment a JOIN reader r ON r.id = a.reader_id
         WHERE a.study_id = ? ORDER BY a.reader_index`,
      )
      .all(studyId) as Pick<ReaderPackages, 'readerId' | 'readerName' | 'site'>[];
    const issued = this.#db.prepare(
      `SELECT package_sha256 AS sha256, created_at AS createdAt, coordinator_fingerprint AS coordinatorFingerprint
       FROM package_issued WHERE study_id = ? AND reader_id = ? ORDER BY id`,
    );
    const key = this.#db.prepare('SELECT fingerprint, trusted_at AS trustedAt FROM reader_key WHERE reader_id = ?');
    const imports = this.#db.prepare(
      `SELECT package_sha256 AS sha256, imported_at AS importedAt, answers_added AS answersAdded, app_version AS appVersion,
              reader_fingerprint AS readerFingerprint
       FROM answer_import WHERE study_id = ? AND reader_id = ? ORDER BY id`,
    );
    return {
      studyId,
      coordinatorFingerprint: signingKey(this.dataDir, 'coordinator').fingerprint,
      readers: readers.map((r) => ({
        ...r,
        issued: issued.all(studyId, r.readerId) as ReaderPackages['issued'],
        key: (key.get(r.readerId) as ReaderPackages['key'] | undefined) ?? null,
        imports: imports.all(studyId, r.readerId) as ReaderPackages['imports'],
      })),
    };
  }

  /** Merges an answer package; `trust` (a fingerprint the coordinator confirmed) registers a reader's key on first use. */
  async import(a: { file: string; trust?: string }): Promise<MergeReport> {
    this.#coordinatorOnly('import answer packages');
    const trust = a.trust === undefined ? undefined : canonicalFingerprint(a.trust);
    const { explain, imaging, now } = this.#deps;
    const r = await mergeAnswerPackage({ db: this.#db, explain, imaging, now, file: resolve(a.file), trust });
    return { readerName: r.readerName, site: r.site, added: r.added, alreadyMerged: r.alreadyMerged, fingerprint: r.fingerprint };
  }

  // ---- reader ----

  /** Opens a study package into a workspace under this data folder (the host then serves its database). */
  async open(a: { file: string; passphrase: string }): Promise<OpenedWorkspace> {
    const opened = await openPackageInto(this.dataDir, a, this.#deps.now, this.#deps.sqliteBinding);
    // A workstation without a coordinator is a reader's: the host opens this workspace again after a restart.
    rememberWorkspace(this.dataDir, opened.dbPath, !hasAdmin(this.#db));
    return opened;
  }

  /** The workspace this database is, or null (a coordinator's or a fresh database). */
  workspace(): WorkspaceInfo | null {
    const row = this.#workspaceRow();
    if (!row) return null;
    return {
      studyName: row.studyName,
      readerName: row.readerName,
      coordinatorFingerprint: row.coordinatorFingerprint,
      readerFingerprint: signingKey(this.dataDir, 'reader').fingerprint,
      openedAt: row.openedAt,
    };
  }

  /**
   * The workspace's answer package. `readerId`: the signed-in reader, who must be the workspace's
   * (the CLI, which holds the file, passes none).
   */
  async writeAnswers(a: { out: string; readerId?: number }): Promise<AnswerPackageMade> {
    const ws = this.#workspaceRow();
    if (!ws)
      throw new VerdictError(
        'package.wrong-database',
        'This is not a reading workspace: answer packages are written in a workspace opened from a study package.',
      );
    if (a.readerId !== undefined && a.readerId !== ws.readerId)
      throw new VerdictError('api.unauthorised', `Only ${ws.readerName}, who reads this workspace, can send its answers.`);
    const made = await createAnswerPackage({
      db: this.#db,
      dataDir: this.dataDir,
      out: resolve(a.out),
      appVersion: this.#deps.appVersion,
      now: this.#deps.now,
    });
    return { file: made.file, bytes: made.bytes, sha256: made.sha256, fingerprint: made.fingerprint, answers: made.answers };
  }

  #workspaceRow() {
    return this.#db
      .prepare(
        `SELECT w.study_id AS studyId, w.coordinator_fingerprint AS coordinatorFingerprint, w.opened_at AS openedAt, s.name AS studyName,
                r.id AS readerId, r.name AS readerName
         FROM workspace w JOIN study s ON s.id = w.study_id
         JOIN assignment a ON a.study_id = w.study_id JOIN reader r ON r.id = a.reader_id
         LIMIT 1`,
      )
      .get() as
      | { studyId: number; coordinatorFingerprint: string; openedAt: string; studyName: string; readerId: number; readerName: string }
      | undefined;
  }

  #coordinatorOnly(what: string): void {
    if (this.#workspaceRow())
      throw new VerdictError(
        'package.wrong-database',
        `Cannot ${what} in a reader's workspace: that is done on the coordinator's workstation, in the study's own database.`,
      );
  }
}
