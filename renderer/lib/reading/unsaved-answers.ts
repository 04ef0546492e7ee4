// A copy of every answer main has not yet acknowledged, in the window's local storage, so that an
// answer given just before the window closed (or the connection dropped) is sent on the reader's
// next visit to the study. Entries go as soon as main acknowledges them. Storage that is full or
// disabled only loses this safety net; answering still works.
import type { AnswerJournal, QueuedAnswer } from './answer-queue';

export type UnsavedAnswer = QueuedAnswer & { trialId: number; position: number; questionId: string; at: string };

type Stored = Record<string, UnsavedAnswer>;

export class UnsavedAnswers {
  readonly #storage: Storage | null;
  readonly #key: string;

  constructor(storage: Storage | null, readerId: number, studyId: number) {
    this.#storage = storage;
    this.#key = `verdict.unsaved/${readerId}/${studyId}`;
  }

  /** The journal of one trial's answer queue. */
  journal(trialId: number, position: number): AnswerJournal {
    return {
      write: (questionId, a) =>
        this.#update((s) => (s[`${trialId}/${questionId}`] = { ...a, trialId, position, questionId, at: new Date().toISOString() })),
      remove: (questionId) => this.remove(trialId, questionId),
    };
  }

  all(): UnsavedAnswer[] {
    return Object.values(this.#read());
  }

  remove(trialId: number, questionId: string): void {
    this.#update((s) => delete s[`${trialId}/${questionId}`]);
  }

  #read(): Stored {
    try {
      const raw = this.#storage?.getItem(this.#key);
      return raw ? (JSON.parse(raw) as Stored) : {};
    } catch {
      return {};
    }
  }

  #update(change: (s: Stored) => void): void {
    if (!this.#storage) return;
    const s = this.#read();
    change(s);
    try {
      if (Object.keys(s).length) this.#storage.setItem(this.#key, JSON.stringify(s));
      else this.#storage.removeItem(this.#key);
    } catch {
      // Full or disabled storage: the queue still sends and retries while the window is open.
    }
  }
}

/** The window's local storage, or null where it is unavailable. */
export function localStore(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** Structural equality of two JSON-safe answer values (an ROI, a list of choices…), whatever their key order. */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

const canonical = (v: unknown): string =>
  v !== null && typeof v === 'object'
    ? Array.isArray(v)
      ? `[${v.map(canonical).join(',')}]`
      : `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
          .join(',')}}`
    : JSON.stringify(v ?? null);
