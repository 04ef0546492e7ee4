// Sends a reader's answers to main, one question at a time and in order, and knows at every
// moment which answers main has acknowledged. An answer waits only as long as asked (free text
// is debounced), a newer answer to the same question replaces one not yet sent, a failed send
// is kept and retried, and `flush` resolves only once everything given so far is acknowledged —
// so navigation can wait for it and refuse to move on when an answer is not safe.
import type { AnswerValue, DisplayState, RoiScores, Timings } from '../../../app/study';

export type AnswerContext = { displayState: DisplayState; timings: Timings };
export type Ack = { answerId: number; version: number; scores: RoiScores | null };
export type SendAnswer = (questionId: string, value: AnswerValue, ctx: AnswerContext) => Promise<Ack>;
/** saved: acknowledged by main; pending: waiting to be sent; saving: sent, no reply yet; failed: not saved (retrying when `retrying`). */
export type SaveStatus = 'saved' | 'pending' | 'saving' | 'failed';
export type QueuedAnswer = { value: AnswerValue; ctx: AnswerContext };

/** Where unacknowledged answers are also written, so a closed window does not lose them. */
export type AnswerJournal = { write: (questionId: string, a: QueuedAnswer) => void; remove: (questionId: string) => void };

export type QueueOptions = {
  send: SendAnswer;
  onStatus?: (questionId: string, status: SaveStatus, error: string | null) => void;
  onAck?: (questionId: string, value: AnswerValue, ack: Ack) => void;
  journal?: AnswerJournal;
  /** Whether a failed send may succeed later (a lost connection) rather than never (a refused value). */
  transient?: (e: unknown) => boolean;
  /** Waits before the 1st, 2nd, … retry of a transient failure (the last repeats). */
  retryMs?: readonly number[];
};

/** Codes of failures that may pass by themselves: a busy or failing main, a disk that fills up and is freed. */
const RECOVERABLE_CODES: ReadonlySet<string> = new Set(['internal', 'disk.full']);

/**
 * Whether a failed send is worth retrying: a failure without a code (a lost connection) or one
 * main may get over; a refused value (answer.invalid, answer.locked, …) stays refused.
 */
export function mayRecover(e: unknown): boolean {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code !== 'string' || RECOVERABLE_CODES.has(code);
}

type Slot = {
  pending: QueuedAnswer | null;
  timer: ReturnType<typeof setTimeout> | null;
  inFlight: QueuedAnswer | null;
  failures: number;
  status: SaveStatus;
  error: string | null;
};

type Waiter = (ok: boolean) => void;

export class AnswerQueue {
  readonly #o: QueueOptions;
  readonly #slots = new Map<string, Slot>();
  #waiters: Waiter[] = [];
  #disposed = false;

  constructor(options: QueueOptions) {
    this.#o = options;
  }

  /** Queues an answer; it is sent after `delayMs` (0: now) unless a newer one replaces it first. */
  put(questionId: string, value: AnswerValue, ctx: AnswerContext, delayMs = 0): void {
    const s = this.#slot(questionId);
    s.pending = { value, ctx };
    s.failures = 0;
    this.#o.journal?.write(questionId, s.pending);
    if (s.timer) clearTimeout(s.timer);
    s.timer = null;
    if (delayMs > 0) {
      this.#set(questionId, s, s.inFlight ? 'saving' : 'pending', null);
      s.timer = setTimeout(() => this.#pump(questionId), delayMs);
    } else this.#pump(questionId);
  }

  /** Sends whatever waits now; true once everything is acknowledged, false as soon as a send fails. */
  flush(): Promise<boolean> {
    for (const [id, s] of this.#slots) {
      if (s.timer) clearTimeout(s.timer);
      s.timer = null;
      if (s.pending && !s.inFlight) this.#pump(id);
    }
    if (this.idle) return Promise.resolve(true);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  status(questionId: string): SaveStatus {
    return this.#slots.get(questionId)?.status ?? 'saved';
  }

  error(questionId: string): string | null {
    return this.#slots.get(questionId)?.error ?? null;
  }

  /** Nothing waits and nothing is on its way. */
  get idle(): boolean {
    return [...this.#slots.values()].every((s) => !s.pending && !s.inFlight);
  }

  /** Questions whose latest answer main has not acknowledged. */
  get unsaved(): string[] {
    return [...this.#slots].filter(([, s]) => s.pending || s.inFlight).map(([id]) => id);
  }

  /** Stops timers; what was not acknowledged stays in the journal for the next visit. */
  dispose(): void {
    this.#disposed = true;
    for (const s of this.#slots.values()) if (s.timer) clearTimeout(s.timer);
    this.#settle(false);
  }

  #slot(id: string): Slot {
    let s = this.#slots.get(id);
    if (!s) this.#slots.set(id, (s = { pending: null, timer: null, inFlight: null, failures: 0, status: 'saved', error: null }));
    return s;
  }

  #pump(id: string): void {
    const s = this.#slot(id);
    if (s.timer) clearTimeout(s.timer);
    s.timer = null;
    if (s.inFlight || !s.pending || this.#disposed) return;
    const a = (s.inFlight = s.pending);
    s.pending = null;
    this.#set(id, s, 'saving', null);
    this.#o.send(id, a.value, a.ctx).then(
      (ack) => {
        s.inFlight = null;
        s.failures = 0;
        // The journal holds the newest answer; it may go only when nothing newer waits.
        if (!s.pending) this.#o.journal?.remove(id);
        this.#o.onAck?.(id, a.value, ack);
        if (s.pending) this.#pump(id);
        else this.#set(id, s, 'saved', null);
        if (this.idle) this.#settle(true);
      },
      (e: unknown) => {
        s.inFlight = null;
        // A newer answer supersedes the failed one; otherwise the failed one waits to be resent.
        s.pending ??= a;
        s.failures++;
        const message = e instanceof Error ? e.message : String(e);
        this.#set(id, s, 'failed', message);
        this.#settle(false);
        const transient = this.#o.transient?.(e) ?? true;
        if (transient && !this.#disposed) {
          const waits = this.#o.retryMs ?? [1000, 2000, 5000, 10_000];
          s.timer = setTimeout(() => this.#pump(id), waits[Math.min(s.failures, waits.length) - 1]);
        }
      },
    );
  }

  #set(id: string, s: Slot, status: SaveStatus, error: string | null): void {
    s.status = status;
    s.error = error;
    this.#o.onStatus?.(id, status, error);
  }

  #settle(ok: boolean): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w(ok);
  }
}
