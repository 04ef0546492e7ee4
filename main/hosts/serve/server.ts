// The loopback host: serves the built renderer and the typed API over one WebSocket, on
// 127.0.0.1 only, behind a single-use launch token traded for a session cookie (auth.ts).
// Transport and nothing else: every call goes through the same dispatch as the Electron host.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { dispatch } from '../../../app/api/dispatch';
import type { Handlers } from '../../../app/api';
import type { CallContext } from '../../../app/api/endpoint';
import { decodeFrame, encodeFrame } from '../../../app/wire';
import type { EventBus } from '../../event-bus';
import type { EventMessage } from '../../../app/events';
import type { Log } from '../../log';
import { contentSecurityPolicy } from '../csp';
import { LaunchGate, SESSION_COOKIE } from './auth';
import { readStatic } from './static-files';

export type ServeOptions = {
  handlers: () => Handlers;
  /** A caller per connection: who is signed in on that socket. */
  newCaller: () => CallContext;
  events: EventBus;
  staticDir: string;
  log: Log;
  port?: number;
  /** The first launch token (default: random). */
  token?: string;
  /** A key the launching program chose for its own API clients (`Authorization: Bearer`); none by default. */
  apiKey?: string;
  /** Told the next single-use launch link once the current one has been traded for a cookie. */
  onLaunchLinkUsed?: (nextUrl: string) => void;
};

export type ServeHost = {
  url: string;
  port: number;
  token: string;
  /**
   * Every open connection starts again signed out, with a fresh caller from `newCaller` (the host now
   * serves another study database), and is told so with `message` (the renderer returns to sign-in).
   */
  restartSessions: (message: EventMessage) => void;
  close: () => Promise<void>;
};

/** A socket error's message as one short printable line for the log. */
const oneLine = (e: Error) => e.message.replace(/[^\x20-\x7e]/g, '').slice(0, 100);

const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export async function startServeHost(opts: ServeOptions): Promise<ServeHost> {
  if (opts.apiKey !== undefined && opts.apiKey.length < 32) throw new Error('The API key must have at least 32 characters.');
  let port = 0;
  const gate = new LaunchGate({ launchToken: opts.token, apiKey: opts.apiKey, port: () => port });
  const token = gate.launchToken;
  const linkFor = (t: string) => `http://127.0.0.1:${port}/?token=${t}`;
  const server = createServer((req, res) => {
    void serveHttp(req, res).catch((e) => {
      opts.log.error('HTTP request failed', e);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  async function serveHttp(req: IncomingMessage, res: ServerResponse) {
    const pass = gate.checkPage(req);
    if (!pass.ok) {
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(
        `Verdict refused this request (${pass.reason}). Open the latest link that \`npm run serve\` printed; each link works once.\n`,
      );
      return;
    }
    const url = new URL(req.url ?? '/', 'http://loopback');
    if (pass.dropToken) {
      // Trade the URL token for a same-site cookie (spending it) and drop it from the address bar.
      url.searchParams.delete('token');
      const headers: Record<string, string> = { Location: url.pathname + (url.search || ''), 'Cache-Control': 'no-store' };
      if (pass.trade) {
        const { session, nextLaunchToken } = gate.trade();
        headers['Set-Cookie'] = `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`;
        opts.onLaunchLinkUsed?.(linkFor(nextLaunchToken));
      }
      res.writeHead(302, headers);
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    const file =
      (await readStatic(opts.staticDir, url.pathname)) ?? (!url.pathname.includes('.') ? await readStatic(opts.staticDir, '/') : null);
    if (!file) {
      res
        .writeHead(404, { 'Content-Type': 'text/plain' })
        .end(url.pathname === '/' ? 'The renderer is not built: run `npm run build`.' : 'Not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': file.type,
      'Content-Security-Policy': contentSecurityPolicy([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    if (!gate.checkSocket(req).ok || new URL(req.url ?? '/', 'http://loopback').pathname !== '/api') {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws));
  });

  const sessions = new Set<(message: EventMessage) => void>();

  function serveSocket(ws: WebSocket) {
    let caller: CallContext;
    let unsubscribe = () => {};
    const startSession = () => {
      unsubscribe();
      caller = opts.newCaller();
      // This socket hears the events its own requests cause, and background work's only while staff.
      unsubscribe = opts.events.connect(caller, (m) => {
        if (ws.readyState === ws.OPEN) ws.send(encodeFrame(m));
      });
    };
    startSession();
    const restart = (message: EventMessage) => {
      startSession();
      if (ws.readyState === ws.OPEN) ws.send(encodeFrame(message));
    };
    sessions.add(restart);
    ws.on('close', () => {
      sessions.delete(restart);
      unsubscribe();
    });
    // A frame ws refuses (a text frame that is not UTF-8, one over maxPayload, a bad opcode) is
    // an 'error' on this socket; unheard, it would end the process and every reader's session.
    // ws has already started closing it with the right status code; make sure it goes.
    ws.on('error', (e: Error) => {
      opts.log.info(`API socket closed: ${oneLine(e)}`);
      ws.terminate();
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      void (async () => {
        let id: unknown = null;
        try {
          if (!isBinary) throw new Error('text frame');
          const msg = decodeFrame(data) as { id?: unknown; name?: unknown; args?: unknown };
          id = msg.id;
          if (typeof id !== 'number') throw new Error('missing id');
          const result = await dispatch(opts.handlers(), caller, msg.name, msg.args, (name, e) => opts.log.error(`API ${name} failed`, e));
          if (ws.readyState === ws.OPEN) ws.send(encodeFrame({ id, ...result }));
        } catch (e) {
          opts.log.error('Malformed API message', e);
          if (typeof id === 'number')
            ws.send(encodeFrame({ id, ok: false, error: { code: 'api.invalid-args', message: 'Malformed message.' } }));
          else ws.close(1003, 'malformed message');
        }
      })();
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: linkFor(token),
    port,
    token,
    restartSessions: (message) => {
      for (const restart of sessions) restart(message);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
