// The loopback host as a real process: it binds 127.0.0.1 only, refuses requests without this
// launch's credentials, opens each printed link once, survives frames the WebSocket refuses, and
// answers the typed API with validated arguments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import WebSocket from 'ws';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServeProcess, type ServeProcess } from '../../../tests/support/serve-process';

let host: ServeProcess;
beforeAll(async () => {
  host = await startServeProcess();
});
afterAll(async () => {
  await host?.stop();
});

const wsOpens = (url: string, headers: Record<string, string> = {}) =>
  new Promise<boolean>((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => (ws.close(), resolve(true)));
    ws.on('error', () => resolve(false));
  });

const bearer = () => ({ authorization: `Bearer ${host.apiKey}` });

/** Trades a launch link for the session cookie, as a browser does. */
async function trade(link: string): Promise<string> {
  const r = await fetch(link, { redirect: 'manual' });
  expect(r.status).toBe(302);
  return r.headers.get('set-cookie')!;
}

/** The next single-use link the host printed after `after` had been used. */
async function nextLink(after: string): Promise<string> {
  let link: string | undefined;
  await expect
    .poll(() => (link = [...host.output().matchAll(/another browser: (\S+)/g)].map((m) => m[1]).find((l) => l !== after && !used.has(l))))
    .toBeTruthy();
  return link!;
}
const used = new Set<string>();

describe('serve host', () => {
  it('prints a 127.0.0.1 URL with a long random token', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{40,}$/);
  });

  it('refuses page and API requests without the right credentials', async () => {
    expect((await fetch(`${host.origin}/`)).status).toBe(403);
    expect((await fetch(`${host.origin}/?token=wrong`)).status).toBe(403);
    expect((await fetch(`${host.origin}/`, { headers: { cookie: 'verdict_session=wrong' } })).status).toBe(403);
    const ws = host.origin.replace('http', 'ws');
    expect(await wsOpens(`${ws}/api`)).toBe(false);
    // The launch token opens pages only (once), never the API socket.
    expect(await wsOpens(`${ws}/api?token=${host.token}`)).toBe(false);
    expect(await wsOpens(`${ws}/api`, { authorization: `Bearer ${host.apiKey}x` })).toBe(false);
    expect(await wsOpens(`${ws}/api`, { ...bearer(), origin: 'http://evil.example' })).toBe(false);
    expect(await wsOpens(`${ws}/api`, bearer())).toBe(true);
  });

  it('refuses a request addressed to another host name (DNS rebinding), without spending the link', async () => {
    // fetch() may not set Host, so speak HTTP directly.
    const status = (hostHeader: string) =>
      new Promise<number>((resolve, reject) => {
        const u = new URL(host.url);
        const req = request({ host: '127.0.0.1', port: u.port, path: `/?token=${host.token}`, headers: { host: hostHeader } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await status('attacker.example')).toBe(403);
    expect(await status(`localhost.attacker.example:${new URL(host.url).port}`)).toBe(403);
  });

  it('trades the URL token for a same-site cookie once: the cookie keeps working, the link does not', async () => {
    const cookie = await trade(host.url);
    used.add(host.url);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toContain(host.token);
    const session = cookie.split(';')[0];
    const page = await fetch(`${host.origin}/`, { headers: { cookie: session } });
    expect([200, 404]).toContain(page.status); // 404 only when the renderer is not built
    if (page.status === 200) expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const ws = host.origin.replace('http', 'ws');
    expect(await wsOpens(`${ws}/api`, { cookie: session })).toBe(true);

    // The spent link, from the history of another browser: refused, and it says why.
    const again = await fetch(host.url, { redirect: 'manual' });
    expect(again.status).toBe(403);
    expect(await again.text()).toContain('already used');
    // The browser that traded it may open it again: its cookie admits it, the token is dropped.
    const own = await fetch(host.url, { redirect: 'manual', headers: { cookie: session } });
    expect(own.status).toBe(302);
    expect(own.headers.get('location')).toBe('/');
    expect(own.headers.get('set-cookie')).toBeNull();

    // The host printed a new single-use link for another browser; it too works once.
    const next = await nextLink(host.url);
    expect(next).not.toBe(host.url);
    const second = await trade(next);
    used.add(next);
    expect(second.split(';')[0]).not.toBe(session);
    expect((await fetch(next, { redirect: 'manual' })).status).toBe(403);
    // Both browsers' cookies keep working.
    expect(await wsOpens(`${ws}/api`, { cookie: session })).toBe(true);
    expect(await wsOpens(`${ws}/api`, { cookie: second.split(';')[0] })).toBe(true);
  });

  it('closes a socket that sends a frame it refuses, and keeps serving everyone else', async () => {
    const ws = host.origin.replace('http', 'ws');
    const other = await host.api();
    // Each hostile frame is built here: a 3-byte text frame that is not UTF-8, and a binary
    // frame one byte over the 4 MiB limit.
    const hostile: [string, Buffer, boolean][] = [
      ['text frame with invalid UTF-8', Buffer.from([0xff, 0xfe, 0xfd]), false],
      ['frame over 4 MiB', Buffer.alloc(4 * 1024 * 1024 + 1, 0x41), true],
    ];
    for (const [what, payload, binary] of hostile) {
      const sock = new WebSocket(`${ws}/api`, { headers: bearer() });
      await new Promise((resolve, reject) => (sock.once('open', resolve), sock.once('error', reject)));
      const closed = new Promise<number>((resolve) => sock.once('close', (code) => resolve(code)));
      sock.on('error', () => {});
      sock.send(payload, { binary });
      expect([1007, 1009, 1006], what).toContain(await closed);
      expect(host.child.exitCode, what).toBeNull();
      // The reader already connected is still served, and a fresh connection works.
      expect(await other.call('app.info', {}), what).toMatchObject({ host: 'serve' });
      const fresh = await host.api();
      expect(await fresh.call('app.info', {}), what).toMatchObject({ host: 'serve' });
      fresh.close();
    }
    other.close();
    expect(host.errors()).not.toMatch(/Invalid WebSocket frame|Max payload size exceeded|uncaught/i);
  });

  it('answers the API and reports invalid arguments with the field named', async () => {
    const api = await host.api();
    const info = await api.call('app.info', {});
    expect(info).toMatchObject({ host: 'serve', studyName: 'study.db', caseCount: 0 });
    await expect(api.call('cases.get', { caseId: -3 })).rejects.toMatchObject({
      code: 'api.invalid-args',
      message: expect.stringContaining('caseId'),
    });
    await expect(api.call('cases.get', { caseId: 12345 })).rejects.toMatchObject({ code: 'not-found' });
    await expect(api.call('no.such' as 'app.info', {})).rejects.toMatchObject({ code: 'api.unknown-method' });
    api.close();
  });
});

describe('the data folder (issue 16 §12)', () => {
  it.runIf(process.platform !== 'win32')(
    'is created 0700 with the study files 0600; an existing 0755 one is tightened',
    async () => {
      const parent = mkdtempSync(join(tmpdir(), 'verdict-private-'));
      chmodSync(parent, 0o755);
      const fresh = join(parent, 'new', 'data');
      const existing = join(parent, 'existing');
      mkdirSync(existing, { mode: 0o755 });
      chmodSync(existing, 0o755);
      try {
        for (const dataDir of [fresh, existing]) {
          const h = await startServeProcess({ dataDir });
          try {
            const api = await h.api();
            await api.call('readers.create', { name: 'Coordinator', role: 'admin', passphrase: 'correct horse battery' });
            api.close();
            expect((statSync(dataDir).mode & 0o777).toString(8), dataDir).toBe('700');
            for (const f of ['study.db', 'study.db-wal', 'study.db-shm', 'study.db-head'])
              expect((statSync(join(dataDir, f)).mode & 0o777).toString(8), f).toBe('600');
          } finally {
            await h.stop();
          }
        }
      } finally {
        rmSync(parent, { recursive: true, force: true });
      }
    },
    60_000,
  );
});

describe('first launch', () => {
  it('imports the bundled demo study into a new database', async () => {
    const first = await startServeProcess({ demo: true });
    try {
      const api = await first.api();
      await expect.poll(async () => (await api.call('import.jobs', {}))[0]?.report?.status, { timeout: 60_000 }).toBe('done');
      const cases = await api.call('cases.list', {});
      expect(cases.filter((c) => c.source === 'lidc')).toHaveLength(1);
      expect(cases.filter((c) => c.modality === 'dermoscopy').length).toBeGreaterThanOrEqual(20);
      const ct = await api.call('cases.get', { caseId: cases.find((c) => c.source === 'lidc')!.id });
      expect(ct.nodules.some((n) => n.readerCount === 4)).toBe(true);
      api.close();
    } finally {
      await first.stop();
    }
  });
});
