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

  info(text: string): void {
    this.#push({ id: this.#next++, text, code: null, kind: 'info' });
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  #push(n: Notice): void {
    // The newest few are enough; an endless pile hides the one that matters.
    this.notices = [...this.notices, n].slice(-4);
  }
}
