// The state of one import while it runs: its report so far, progress reporting (throttled so a
// folder of thousands of files does not flood the renderer) and cancellation.
import type { ImportPhase, ImportProgress, ImportReport } from '../../../app/domain';
import { VerdictError } from '../../../app/errors';

export type ImportRunOptions = {
  jobId: string;
  root: string;
  now: () => Date;
  signal: AbortSignal;
  onProgress: (p: ImportProgress) => void;
};

const PROGRESS_INTERVAL_MS = 100;

export class ImportRun {
  readonly jobId: string;
  readonly root: string;
  readonly report: ImportReport;
  readonly #opts: ImportRunOptions;
  #lastProgress = 0;
  current: ImportProgress;

  constructor(opts: ImportRunOptions) {
    this.#opts = opts;
    this.jobId = opts.jobId;
    this.root = opts.root;
    this.current = { jobId: opts.jobId, phase: 'scanning', done: 0, total: 0, file: null };
    this.report = {
      jobId: opts.jobId,
      root: opts.root,
      status: 'done',
      startedAt: opts.now().toISOString(),
      finishedAt: '',
      cases: [],
      skipped: [],
      refused: [],
      warnings: [],
      error: null,
    };
  }

  now(): string {
    return this.#opts.now().toISOString();
  }

  get signal(): AbortSignal {
    return this.#opts.signal;
  }

  checkCancelled(): void {
    if (this.#opts.signal.aborted) throw new VerdictError('import.cancelled', `Import of ${this.root} was cancelled.`);
  }

  progress(phase: ImportPhase, done: number, total: number, file: string | null): void {
    this.current = { jobId: this.jobId, phase, done, total, file };
    const t = Date.now();
    if (phase !== this.current.phase || done === total || t - this.#lastProgress >= PROGRESS_INTERVAL_MS) {
      this.#lastProgress = t;
      this.#opts.onProgress(this.current);
    }
  }
}
