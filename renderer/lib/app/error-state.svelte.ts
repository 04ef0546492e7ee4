// Messages the reader must see: failed calls, refused imports, viewer errors. Each keeps the
// stable error code from main so a support person can tell causes apart.
import { ApiError } from '../api-client';

export type Notice = { id: number; text: string; code: string | null; kind: 'error' | 'info' };

export function describeError(e: unknown): { text: string; code: string | null } {
  if (e instanceof ApiError) return { text: e.message, code: e.code };
  if (e instanceof Error) return { text: e.message, code: null };
  return { text: String(e), code: null };
}

export class ErrorState {
  notices = $state<Notice[]>([]);
  #next = 1;

  report(context: string, e: unknown): void {
    const { text, code } = describeError(e);
    this.#push({ id: this.#next++, text: `${context}: ${text}`, code, kind: 'error' });
  }

  /** An information note; it goes by itself after a while (errors stay until dismissed). */
  info(text: string, showMs = 6000): void {
    const id = this.#next++;
    this.#push({ id, text, code: null, kind: 'info' });
    setTimeout(() => this.dismiss(id), showMs);
  }

  /** Someone else sits down (sign-in, sign-out): the previous user's messages are not theirs. */
  clear(): void {
    this.notices = [];
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  #push(n: Notice): void {
    // The newest few are enough; an endless pile hides the one that matters.
    this.notices = [...this.notices, n].slice(-4);
  }
}
