// The composition root: opens the study database and wires every service to the API handlers.
// Both hosts and the CLI build a Verdict this way; nothing here imports Electron.
import { join } from 'node:path';
import type { Handlers, HostKind } from '../app/api';
import { EventBus } from './event-bus';
import { consoleLog, type Log } from './log';
import { migrationsDir, resourcesDir } from './paths';
import { loadMigrations } from './services/db/migrations';
import { openStudyDb } from './services/db/open-db';
import { CaseService } from './services/cases/case-service';
import { ImagingService } from './services/imaging/imaging-service';
import { ImportService } from './services/import/import-service';
import { ModelService } from './services/models/model-service';
import { packStoreFor } from './services/models/model-store';
import type { ProviderName } from './services/models/execution-providers';
import { ExplanationService, inferenceQueue } from './services/explain/explain-service';
import { buildHandlers, type Services } from './api/handlers';
import { Caller } from './services/access/caller';
import { ReaderService } from './services/access/reader-service';
import { ProtocolService } from './services/study/protocol-service';
import { StudyService } from './services/study/study-service';
import { StimulusPreparation } from './services/study/stimulus-preparation';
import { ReadingService } from './services/study/reading-service';
import { verifyEventLog } from './services/db/event-log';
import { ExportService } from './services/export/export-service';
import { MetricsService } from './services/explain/metrics/metrics-service';
import { ResultsService } from './services/results/results-service';
import { PackageService } from './services/packages/package-service';
import { APP_VERSION } from './version';
import type { IntegrityReport } from '../app/study';
import type { CallContext } from '../app/api/endpoint';

export type VerdictOptions = {
  dbPath: string;
  host: HostKind;
  log?: Log;
  now?: () => Date;
  /** Native folder picker (Electron); absent elsewhere. */
  pickFolder?: (title?: string) => Promise<string | null>;
  /** Native file picker (Electron): a file to open, or where to save one; absent elsewhere. */
  pickFile?: (a: { title?: string; save?: boolean; defaultName?: string }) => Promise<string | null>;
  /**
   * Serves another study database from now on (a reader workspace just opened from a study package):
   * the host closes this Verdict, creates one on dbPath and tells its connections to start again
   * (signed out). Absent where the host cannot switch (the CLI, tests).
   */
  openWorkspace?: (dbPath: string) => Promise<void>;
  /** The event bus to emit on (default: a new one); a host that switches databases keeps one for all. */
  events?: EventBus;
  /** better-sqlite3 compiled for Electron's ABI when it differs from Node's (`npm start`). */
  sqliteBinding?: string;
  /** Folders searched for bundled model packs (default: `<resources>/models`). */
  modelRoots?: string[];
  /** ONNX Runtime execution providers to try, best first (default: this platform's, CPU last). */
  providers?: ProviderName[];
};

export type Verdict = Services & {
  events: EventBus;
  /** The event log as checked when this database was opened. */
  integrity: IntegrityReport;
  handlers: Handlers;
  /** A fresh caller (not signed in) for a new connection or window. */
  newCaller: () => CallContext;
  close: () => void;
};

export function createVerdict(opts: VerdictOptions): Verdict {
  const log = opts.log ?? consoleLog;
  const now = opts.now ?? (() => new Date());
  const study = openStudyDb(opts.dbPath, loadMigrations(migrationsDir()), { now, nativeBinding: opts.sqliteBinding });
  const events = opts.events ?? new EventBus();
  const cases = new CaseService(study.db);
  const imaging = new ImagingService(study.db);
  const imports = new ImportService(study.db, events, log, now);
  const models = new ModelService(study.db, log, {
    bundledRoots: opts.modelRoots ?? [join(resourcesDir(), 'models')],
    providers: opts.providers,
    now,
    store: packStoreFor(opts.dbPath),
  });
  const queue = inferenceQueue(events);
  const explain = new ExplanationService({ db: study.db, models, cases, imaging, events, now, queue });
  const metrics = new MetricsService({ db: study.db, models, cases, imaging, explain, queue, now });
  const readers = new ReaderService(study.db, { now });
  const protocols = new ProtocolService(study.db, models, now);
  const preparation = new StimulusPreparation({ db: study.db, explain, events, log });
  const studies = new StudyService(study.db, protocols, models, preparation, now);
  const reading = new ReadingService({ db: study.db, explain, imaging, now });
  const exports = new ExportService(study.db, APP_VERSION, now);
  const results = new ResultsService(study.db, now);
  const packages = new PackageService({
    db: study.db,
    dbPath: opts.dbPath,
    appVersion: APP_VERSION,
    now,
    explain,
    imaging,
    sqliteBinding: opts.sqliteBinding,
  });
  // Every open checks the hash-chained event log; a break is reported, and the app still opens
  // so the coordinator can see it (studies.integrity) and export what is there.
  const integrity = verifyEventLog(study.db);
  if (!integrity.ok)
    log.error(
      `study database ${opts.dbPath}: the event log is broken at event ${integrity.firstBreak!.eventId}: ${integrity.firstBreak!.reason}`,
    );
  // The app hosts register bundled packs at start-up; the CLI and tests on first use.
  if (opts.host !== 'cli') {
    void models
      .registerBundled()
      .then(() => studies.resumePreparations())
      .catch((e) => log.error('start-up: bundled packs or study preparation failed', e));
  }
  const services: Services = {
    study,
    cases,
    imaging,
    imports,
    models,
    explain,
    readers,
    protocols,
    studies,
    reading,
    exports,
    results,
    metrics,
    packages,
  };
  const handlers = buildHandlers({
    ...services,
    host: opts.host,
    pickFolder: opts.pickFolder,
    pickFile: opts.pickFile,
    openWorkspace: opts.openWorkspace,
  });
  return {
    ...services,
    events,
    integrity,
    handlers,
    newCaller: () => new Caller(study.db),
    close: () => {
      imports.cancelAll();
      // Sessions are released only once no job is inside ORT; a cancelled job touches the DB no more.
      void explain.close().then(() => models.close());
      study.db.close();
    },
  };
}
