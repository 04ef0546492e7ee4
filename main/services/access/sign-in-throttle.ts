// Repeated wrong passphrases for one profile slow down: after 3 failures in a row each further
// attempt must wait 2^(failures-3) seconds (capped at 5 minutes) and is refused unchecked
// until then. A success clears the count. Kept in memory: it guards against guessing at the
// keyboard or over the loopback socket, and a restart does not make guessing cheap (each guess
// still costs a slow hash).
const FREE_FAILURES = 3;
const MAX_WAIT_MS = 5 * 60_000;

export class SignInThrottle {
  readonly #now: () => number;
  readonly #failures = new Map<number, { count: number; until: number }>();

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Milliseconds to wait before the next attempt for this reader (0: may try now). */
  waitMs(readerId: number): number {
    const f = this.#failures.get(readerId);
    return f ? Math.max(0, f.until - this.#now()) : 0;
  }

  failed(readerId: number): void {
    const count = (this.#failures.get(readerId)?.count ?? 0) + 1;
    const wait = count < FREE_FAILURES ? 0 : Math.min(MAX_WAIT_MS, 1000 * 2 ** (count - FREE_FAILURES));
    this.#failures.set(readerId, { count, until: this.#now() + wait });
  }

  succeeded(readerId: number): void {
    this.#failures.delete(readerId);
  }
}
