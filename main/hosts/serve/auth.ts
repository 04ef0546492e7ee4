// The loopback host's gate: every request must carry the per-launch token, either in the URL
// (?token=, as printed at start-up) or in the cookie set when that URL is first opened, and
// must be addressed to the loopback host itself (no DNS-rebinding through another name).
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'verdict_token';

const sameToken = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function cookieToken(req: IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === TOKEN_COOKIE) return decodeURIComponent(v.join('='));
  }
  return null;
}

export type Gate = { queryToken: boolean; ok: boolean; reason: string };

export function checkRequest(req: IncomingMessage, token: string, port: number): Gate {
  const host = req.headers.host ?? '';
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return { queryToken: false, ok: false, reason: 'wrong host' };
  const origin = req.headers.origin;
  if (origin && origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`) return { queryToken: false, ok: false, reason: 'wrong origin' };
  const url = new URL(req.url ?? '/', `http://${host}`);
  const fromQuery = url.searchParams.get('token');
  if (fromQuery !== null) return { queryToken: true, ok: sameToken(fromQuery, token), reason: 'wrong token' };
  const fromCookie = cookieToken(req);
  if (fromCookie !== null) return { queryToken: false, ok: sameToken(fromCookie, token), reason: 'wrong token' };
  return { queryToken: false, ok: false, reason: 'missing token' };
}
