// The one queue all inference goes through: jobs run one at a time, in order, so a model's
// sessions are never used by two jobs at once. Cancelling rejects queued jobs at once and the
// running one as soon as it is cancelled (its callers get `explain.cancelled`); the queue
// still waits for the running job's ONNX call to return before it starts the next.
// Each job remembers who it is for, so its progress reaches that connection and no other: the
// queue is shared, and a job may run while another request is being served.
import { VerdictError } from '../../../app/errors';
import type { Recipient } from '../../event-bus';

export type JobContext = { jobId: string; signal: AbortSignal; progress: (done: number, total: number) => void };

/** Whose job it is: its progress goes there ('staff' for work no request asked for). */
export type JobOptions = { id?: string; to?: Recipient };

export type ProgressReport = (job: { id: string; label: string; to: Recipient }, done: number, total: number) => void;

type Job = {
  id: string;
  label: string;
  to: Recipient;
  work: (ctx: JobContext) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  controller: AbortController;
};

export const cancelledError = (label: string) => new VerdictError('explain.cancelled', `${label}: cancelled.`);

/** Throws `explain.cancelled` when the job was cancelled; methods call it between steps. */
export function checkCancelled(signal: AbortSignal, label = 'Explanation'): void {
  if (signal.aborted) throw cancelledError(label);
}

export class JobQueue {
  readonly #queue: Job[] = [];
  readonly #onProgress: ProgressReport;
  #running: Job | null = null;
  #settled: Promise<void> = Promise.resolve();
  #next = 1;

  constructor(onProgress: ProgressReport = () => {}) {
    this.#onProgress = onProgress;
  }

  get size(): number {
    return this.#queue.length + (this.#running ? 1 : 0);
  }

  /**
   * Queues a job; `id` is the caller's (to match progress and cancel), else one is made up; `to`
   * is whom its progress is for (default: staff connections only).
   */
  run<T>(label: string, work: (ctx: JobContext) => Promise<T>, opts: JobOptions = {}): Promise<T> {
    const id = opts.id ?? `xj-${this.#next++}`;
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({
        id,
        label,
        to: opts.to ?? 'staff',
        work,
        resolve: resolve as (v: unknown) => void,
        reject,
        controller: new AbortController(),
      });
      this.#pump();
    });
  }

  /** Resolves once no job's work is still running (a cancelled job's ORT call included). */
  async idle(): Promise<void> {
    while (this.#running) await this.#settled;
  }

  /** Cancels every queued and running job; returns how many. */
  cancelAll(): number {
    return this.cancel(() => true);
  }

  /** Cancels the queued and running jobs `which` selects; returns how many. */
  cancel(which: (jobId: string) => boolean): number {
    const queued = this.#queue.filter((j) => which(j.id));
    for (const j of queued) {
      this.#queue.splice(this.#queue.indexOf(j), 1);
      j.reject(cancelledError(j.label));
    }
    let n = queued.length;
    const running = this.#running;
    if (running && which(running.id) && !running.controller.signal.aborted) {
      running.controller.abort();
      running.reject(cancelledError(running.label));
      n++;
    }
    return n;
  }

  #pump(): void {
    if (this.#running) return;
    const job = this.#queue.shift();
    if (!job) return;
    this.#running = job;
    const progress = (done: number, total: number) => {
      if (!job.controller.signal.aborted) this.#onProgress(job, done, total);
    };
    this.#settled = (async () => {
      try {
        job.resolve(await job.work({ jobId: job.id, signal: job.controller.signal, progress }));
      } catch (e) {
        job.reject(e);
      } finally {
        this.#running = null;
        this.#pump();
      }
    })();
  }
}
