// Sign-in attempts are limited per connection (a WebSocket, an Electron window) and globally:
// - per connection, one attempt at a time, and after 3 failures in a row — for any profile,
//   known or not — each further attempt must wait 2^(failures-3) seconds (capped at 5 minutes)
//   and is refused unchecked until then. A success clears the count. The count belongs to the
//   connection, not the profile: a reader who floods sign-ins slows themselves down, never a
//   colleague signing in to that profile from another connection.
// - globally, at most two passphrase hashes run at once (each is a 32 MiB scrypt on libuv's
//   thread pool) and at most 16 more wait for a turn; beyond that an attempt is refused with
//   "busy". So a flood costs at most two hashes at a time, and a genuine sign-in elsewhere waits
//   for at most the queue ahead of it, never for the flood.
// Guessing one profile's passphrase from many connections is bounded by the global limit
// (~20 hashes a second here); every connection needs the launch cookie or the app's window.
// Kept in memory: a restart does not make guessing cheap (each guess still costs a slow hash).
import { VerdictError } from '../../../app/errors';

const FREE_FAILURES = 3;
const MAX_WAIT_MS = 5 * 60_000;
export const MAX_CONCURRENT_HASHES = 2;
export const MAX_WAITING_HASHES = 16;

type Connection = { failures: number; until: number; busy: boolean };

const throttled = (message: string, retryAfterMs: number) =>
  new VerdictError('auth.throttled', message, { retryAfterMs: Math.max(1000, Math.ceil(retryAfterMs)) });

export class SignInThrottle {
  readonly #now: () => number;
  readonly #connections = new WeakMap<object, Connection>();
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  #state(connection: object): Connection {
    let c = this.#connections.get(connection);
    if (!c) this.#connections.set(connection, (c = { failures: 0, until: 0, busy: false }));
    return c;
  }

  /** Milliseconds this connection must wait before its next attempt (0: may try now). */
  waitMs(connection: object): number {
    return Math.max(0, this.#state(connection).until - this.#now());
  }

  /**
   * Runs one passphrase check for this connection, in its global turn. Refuses (auth.throttled)
   * while the connection must wait, while it already has an attempt under way, or when too many
   * attempts already wait for a turn.
   */
  async check<T>(connection: object, hash: () => Promise<T>): Promise<T> {
    const c = this.#state(connection);
    const wait = this.waitMs(connection);
    if (wait > 0) throw throttled(`Too many failed sign-ins; try again in ${Math.ceil(wait / 1000)} s.`, wait);
    if (c.busy) throw throttled('A sign-in is already under way; wait for its answer.', 1000);
    if (this.#running >= MAX_CONCURRENT_HASHES && this.#waiting.length >= MAX_WAITING_HASHES)
      throw throttled('Verdict is busy checking sign-ins; try again in a second.', 1000);
    c.busy = true;
    try {
      if (this.#running >= MAX_CONCURRENT_HASHES) await new Promise<void>((turn) => this.#waiting.push(turn));
      else this.#running++;
      try {
        return await hash();
      } finally {
        // Hand the slot to the next in line, or give it back.
        const next = this.#waiting.shift();
        if (next) next();
        else this.#running--;
      }
    } finally {
      c.busy = false;
    }
  }

  failed(connection: object): void {
    const c = this.#state(connection);
    c.failures++;
    const wait = c.failures < FREE_FAILURES ? 0 : Math.min(MAX_WAIT_MS, 1000 * 2 ** (c.failures - FREE_FAILURES));
    c.until = this.#now() + wait;
  }

  succeeded(connection: object): void {
    this.#connections.delete(connection);
  }
}
