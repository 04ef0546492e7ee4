// The loopback host's gate. Every request must be addressed to the loopback host itself (no
// DNS-rebinding through another name) and carry one of:
// - the launch token in the URL (?token=, as printed at start-up) — once: the first page request
//   that shows it trades it for a session cookie, and from then on the token is spent, so a link
//   left in the browser's history, a screenshot or a terminal log opens nothing;
// - the session cookie set by that trade (HttpOnly, SameSite=Strict, a secret of its own);
// - on the API socket only, `Authorization: Bearer <key>` with the API key the launching program
//   chose (VERDICT_API_KEY; scripts and tests), never printed and absent unless set.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'verdict_session';

const sameToken = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};
const anyOf = (set: Iterable<string>, value: string) => [...set].some((s) => sameToken(s, value));
const newSecret = () => randomBytes(32).toString('base64url');

export function cookieValue(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

/** ok: admitted; trade: a fresh launch token to trade for a cookie; drop: a token in the URL to remove. */
export type Gate = { ok: true; trade: boolean; dropToken: boolean } | { ok: false; reason: string };

export class LaunchGate {
  #launch: string;
  readonly #spent = new Set<string>();
  readonly #sessions = new Set<string>();
  readonly #apiKey: string | null;
  readonly #port: () => number;

  constructor(opts: { launchToken?: string; apiKey?: string | null; port: () => number }) {
    this.#launch = opts.launchToken ?? newSecret();
    this.#apiKey = opts.apiKey ?? null;
    this.#port = opts.port;
  }

  /** The launch token not yet traded (a new one is minted at each trade). */
  get launchToken(): string {
    return this.#launch;
  }

  #hostOk(req: IncomingMessage): string | null {
    const port = this.#port();
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return 'wrong host';
    const origin = req.headers.origin;
    if (origin && origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`) return 'wrong origin';
    return null;
  }

  #hasSession(req: IncomingMessage): boolean {
    const c = cookieValue(req, SESSION_COOKIE);
    return c !== null && anyOf(this.#sessions, c);
  }

  /** A page request: the launch token (to trade), or the session cookie. */
  checkPage(req: IncomingMessage): Gate {
    const bad = this.#hostOk(req);
    if (bad) return { ok: false, reason: bad };
    const fromQuery = new URL(req.url ?? '/', 'http://loopback').searchParams.get('token');
    const session = this.#hasSession(req);
    if (fromQuery !== null) {
      // A browser that already holds the cookie may open the old link again (its history).
      if (session) return { ok: true, trade: false, dropToken: true };
      if (sameToken(fromQuery, this.#launch)) return { ok: true, trade: true, dropToken: true };
      return { ok: false, reason: anyOf(this.#spent, fromQuery) ? 'this launch link was already used; it works once' : 'wrong token' };
    }
    return session
      ? { ok: true, trade: false, dropToken: false }
      : { ok: false, reason: cookieValue(req, SESSION_COOKIE) === null ? 'missing token' : 'wrong token' };
  }

  /** The API socket: the session cookie, or the launching program's API key. Never the URL token. */
  checkSocket(req: IncomingMessage): Gate {
    const bad = this.#hostOk(req);
    if (bad) return { ok: false, reason: bad };
    if (this.#hasSession(req)) return { ok: true, trade: false, dropToken: false };
    const auth = req.headers.authorization ?? '';
    if (this.#apiKey !== null && auth.startsWith('Bearer ') && sameToken(auth.slice(7), this.#apiKey))
      return { ok: true, trade: false, dropToken: false };
    return { ok: false, reason: 'missing or wrong credentials' };
  }

  /** Spends the launch token: returns the new session's cookie value and mints the next launch token. */
  trade(): { session: string; nextLaunchToken: string } {
    this.#spent.add(this.#launch);
    this.#launch = newSecret();
    const session = newSecret();
    this.#sessions.add(session);
    return { session, nextLaunchToken: this.#launch };
  }
}
