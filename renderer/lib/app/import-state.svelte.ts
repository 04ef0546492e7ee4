// Importing a folder: start, live progress, cancel, and the report. Progress and the report
// arrive as events for every job (another window, the first-launch demo import), so they are
// kept per job and the panel shows the job it started. Events can overtake the reply to
// import.start, hence the per-job buffer.
import type { HostKind } from '../../../app/api';
import type { ImportJobId, ImportProgress, ImportReport } from '../../../app/domain';
import type { ApiClient } from '../api-client';
import type { ErrorState } from './error-state.svelte';

export class ImportState {
  path = $state('');
  jobId = $state<ImportJobId | null>(null);
  progress = $state<ImportProgress | null>(null);
  report = $state<ImportReport | null>(null);
  starting = $state(false);
  cancelling = $state(false);
  error = $state<string | null>(null);
  canBrowse = $state(false);
  readonly running = $derived(this.jobId !== null && this.report === null);
  readonly #api: ApiClient;
  readonly #errors: ErrorState;
  readonly #progressByJob = new Map<ImportJobId, ImportProgress>();
  readonly #reportByJob = new Map<ImportJobId, ImportReport>();
  readonly #unsubscribe: (() => void)[];
  #onFinished: (r: ImportReport) => void = () => {};

  constructor(api: ApiClient, errors: ErrorState) {
    this.#api = api;
    this.#errors = errors;
    this.#unsubscribe = [
      api.on('import.progress', (p) => {
        this.#progressByJob.set(p.jobId, p);
        if (p.jobId === this.jobId) this.progress = p;
      }),
      api.on('import.finished', (r) => {
        this.#reportByJob.set(r.jobId, r);
        if (r.jobId === this.jobId) this.report = r;
        this.#onFinished(r);
      }),
    ];
  }

  /** Called for every finished job (any window), e.g. to refresh the worklist. */
  onFinished(listener: (r: ImportReport) => void): void {
    this.#onFinished = listener;
  }

  /** Only a host with a native picker (Electron) offers Browse…; the loopback host has none. */
  setHost(host: HostKind): void {
    this.canBrowse = host === 'electron';
  }

  async browse(): Promise<void> {
    try {
      const { path } = await this.#api.call('host.pickFolder', { title: 'Import a folder of LIDC or ISIC data' });
      if (path) this.path = path;
    } catch (e) {
      this.#errors.report('Could not open the folder picker', e);
    }
  }

  async start(): Promise<void> {
    const path = this.path.trim();
    if (!path || this.running) return;
    this.starting = true;
    this.error = null;
    this.report = null;
    this.progress = null;
    try {
      const { jobId } = await this.#api.call('import.start', { path });
      this.jobId = jobId;
      this.progress = this.#progressByJob.get(jobId) ?? null;
      this.report = this.#reportByJob.get(jobId) ?? null;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      this.#errors.report('Import could not start', e);
    } finally {
      this.starting = false;
    }
  }

  async cancel(): Promise<void> {
    if (!this.jobId || !this.running) return;
    this.cancelling = true;
    try {
      await this.#api.call('import.cancel', { jobId: this.jobId });
    } catch (e) {
      this.#errors.report('Could not cancel the import', e);
    } finally {
      this.cancelling = false;
    }
  }

  /** Picks up a job already running when the window opened (e.g. the first-launch demo). */
  async resume(): Promise<void> {
    try {
      const jobs = await this.#api.call('import.jobs', {});
      const running = jobs.find((j) => j.report === null);
      if (running && !this.jobId) {
        this.jobId = running.jobId;
        this.path = running.root;
        this.progress = running.progress;
      }
    } catch (e) {
      this.#errors.report('Could not list imports', e);
    }
  }

  /** Clears a finished job so the panel is ready for the next folder. */
  reset(): void {
    if (this.running) return;
    this.jobId = null;
    this.progress = null;
    this.report = null;
    this.error = null;
  }

  dispose(): void {
    for (const u of this.#unsubscribe) u();
  }
}
