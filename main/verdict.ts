// The composition root: opens the study database and wires every service to the API handlers.
// Both hosts and the CLI build a Verdict this way; nothing here imports Electron.
import type { Handlers, HostKind } from '../app/api';
import { EventBus } from './event-bus';
import { consoleLog, type Log } from './log';
import { migrationsDir } from './paths';
import { loadMigrations } from './services/study/migrations';
import { openStudyDb, type StudyDb } from './services/study/open-db';
import { CaseService } from './services/study/case-service';
import { ImagingService } from './services/imaging/imaging-service';
import { ImportService } from './services/import/import-service';
import { buildHandlers } from './api/handlers';

export type VerdictOptions = {
  dbPath: string;
  host: HostKind;
  log?: Log;
  now?: () => Date;
  /** Native folder picker (Electron); absent elsewhere. */
  pickFolder?: (title?: string) => Promise<string | null>;
  /** better-sqlite3 compiled for Electron's ABI when it differs from Node's (`npm start`). */
  sqliteBinding?: string;
};

export type Verdict = {
  study: StudyDb;
  events: EventBus;
  cases: CaseService;
  imaging: ImagingService;
  imports: ImportService;
  handlers: Handlers;
  close: () => void;
};

export function createVerdict(opts: VerdictOptions): Verdict {
  const log = opts.log ?? consoleLog;
  const now = opts.now ?? (() => new Date());
  const study = openStudyDb(opts.dbPath, loadMigrations(migrationsDir()), { now, nativeBinding: opts.sqliteBinding });
  const events = new EventBus();
  const cases = new CaseService(study.db);
  const imaging = new ImagingService(study.db);
  const imports = new ImportService(study.db, events, log, now);
  const handlers = buildHandlers({ study, host: opts.host, cases, imaging, imports, pickFolder: opts.pickFolder });
  return {
    study, events, cases, imaging, imports, handlers,
    close: () => {
      imports.cancelAll();
      study.db.close();
    },
  };
}
