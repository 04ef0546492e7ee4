// Imports a folder into the study database in the main process, one import at a time, with
// progress events and cancel. Each case is written in its own transaction, so a cancelled or
// failed import keeps the cases it finished and nothing half-written.
import { randomBytes } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { ImportJob } from '../../../app/api';
import type { ImportProgress, ImportReport } from '../../../app/domain';
import { VerdictError } from '../../../app/errors';
import type { EventBus, Recipient } from '../../event-bus';
import type { Log } from '../../log';
import { scanDicomFolder } from '../imaging/dicom';
import { scanDermoscopyFolder } from '../imaging/isic';
import { parseLidcXml } from '../imaging/lidc';
import { importDicom, readLidcXmls } from './import-ct';
import { importDermoscopy } from './import-dermoscopy';
import { ImportRun } from './import-run';

// Files the DICOM scan skips that another part of the import reads (or that are documentation):
// not worth a line in the report.
const HANDLED_ELSEWHERE = new Set(['.jpg', '.jpeg', '.png', '.xml', '.csv', '.txt', '.md']);

type RunningJob = { job: ImportJob; controller: AbortController };

export class ImportService {
  readonly #db: Database;
  readonly #events: EventBus;
  readonly #log: Log;
  readonly #now: () => Date;
  readonly #jobs = new Map<string, RunningJob>();

  constructor(db: Database, events: EventBus, log: Log, now: () => Date) {
    this.#db = db;
    this.#events = events;
    this.#log = log;
    this.#now = now;
    // An import that was running when the app stopped did not finish: say so in its record.
    db.prepare("UPDATE import_job SET status = 'failed', finished_at = ? WHERE status = 'running'").run(now().toISOString());
  }

  /** Starts an import in the background; progress and the report arrive as events, to `to` (default: staff). */
  start(path: string, to: Recipient = 'staff'): string {
    if ([...this.#jobs.values()].some((j) => j.job.report === null)) {
      throw new VerdictError('import.busy', 'An import is already running; wait for it to finish or cancel it.');
    }
    const jobId = `imp-${this.#now().getTime().toString(36)}-${randomBytes(3).toString('hex')}`;
    void this.run(path, { jobId, to }).catch((e) => this.#log.error('import failed', e));
    return jobId;
  }

  cancel(jobId: string): boolean {
    const j = this.#jobs.get(jobId);
    if (!j || j.job.report) return false;
    j.controller.abort();
    return true;
  }

  cancelAll(): void {
    for (const j of this.#jobs.values()) j.controller.abort();
  }

  jobs(): ImportJob[] {
    return [...this.#jobs.values()].map((j) => j.job);
  }

  /** Runs an import to its end (the CLI awaits this; `start` runs it in the background). */
  async run(path: string, opts: { jobId?: string; onProgress?: (p: ImportProgress) => void; to?: Recipient } = {}): Promise<ImportReport> {
    const root = resolve(path);
    // File paths name the dataset (LIDC-IDRI-0001, ISIC_…): the events go to staff unless a caller started it.
    const to = opts.to ?? 'staff';
    const jobId = opts.jobId ?? `imp-${this.#now().getTime().toString(36)}-${randomBytes(3).toString('hex')}`;
    const controller = new AbortController();
    const run = new ImportRun({
      jobId,
      root,
      now: this.#now,
      signal: controller.signal,
      onProgress: (p) => {
        job.progress = p;
        opts.onProgress?.(p);
        this.#events.emit('import.progress', p, to);
      },
    });
    const job: ImportJob = { jobId, root, progress: run.current, report: null };
    this.#jobs.set(jobId, { job, controller });
    this.#db
      .prepare("INSERT INTO import_job (id, root, status, started_at) VALUES (?, ?, 'running', ?)")
      .run(jobId, root, run.report.startedAt);
    const report = run.report;
    try {
      await this.#importFolder(root, run);
    } catch (e) {
      if (e instanceof VerdictError && e.code === 'import.cancelled') report.status = 'cancelled';
      else {
        report.status = 'failed';
        report.error = e instanceof VerdictError ? e.message : 'Internal error (see the main-process log).';
        if (!(e instanceof VerdictError)) this.#log.error(`import of ${root} failed`, e);
      }
    }
    report.finishedAt = this.#now().toISOString();
    this.#db
      .prepare('UPDATE import_job SET status = ?, finished_at = ?, report_json = ? WHERE id = ?')
      .run(report.status, report.finishedAt, JSON.stringify(report), jobId);
    job.progress = { jobId, phase: 'done', done: job.progress.total, total: job.progress.total, file: null };
    job.report = report;
    this.#events.emit('import.finished', report, to);
    return report;
  }

  async #importFolder(root: string, run: ImportRun): Promise<void> {
    const info = await stat(root).catch(() => null);
    if (!info?.isDirectory()) throw new VerdictError('file.not-found', `${root} is not a folder that Verdict can read.`, { path: root });
    run.progress('scanning', 0, 0, root);
    const files = (await readdir(root, { recursive: true })).map((f) => join(root, f));
    const dicom = await scanDicomFolder(root, { signal: run.signal, onProgress: (d, t, p) => run.progress('reading', d, t, p) });
    run.report.refused.push(...dicom.refused);
    run.report.skipped.push(...dicom.skipped.filter((s) => !HANDLED_ELSEWHERE.has(extname(s.path).toLowerCase())));
    const xmls = await readLidcXmls(
      files.filter((f) => extname(f).toLowerCase() === '.xml'),
      parseLidcXml,
      run,
    );
    const dermoscopy = await scanDermoscopyFolder(root);
    run.checkCancelled();
    await importDicom(this.#db, dicom.instances, xmls, run);
    await importDermoscopy(this.#db, dermoscopy, run);
    const found = run.report.cases.length + run.report.skipped.length + run.report.refused.length;
    if (found === 0) run.report.warnings.push(`No DICOM series, LIDC reader XML or dermoscopic images were found in ${root}.`);
  }
}
