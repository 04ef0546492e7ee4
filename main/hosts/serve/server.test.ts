// The loopback host as a real process: it binds 127.0.0.1 only, refuses requests without this
// launch's token, and answers the typed API with validated arguments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import WebSocket from 'ws';
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

describe('serve host', () => {
  it('prints a 127.0.0.1 URL with a long random token', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{40,}$/);
  });

  it('refuses page and API requests without the right token', async () => {
    expect((await fetch(`${host.origin}/`)).status).toBe(403);
    expect((await fetch(`${host.origin}/?token=wrong`)).status).toBe(403);
    expect((await fetch(`${host.origin}/`, { headers: { cookie: 'verdict_token=wrong' } })).status).toBe(403);
    const ws = host.origin.replace('http', 'ws');
    expect(await wsOpens(`${ws}/api`)).toBe(false);
    expect(await wsOpens(`${ws}/api?token=${host.token}x`)).toBe(false);
    expect(await wsOpens(`${ws}/api?token=${host.token}`, { origin: 'http://evil.example' })).toBe(false);
    expect(await wsOpens(`${ws}/api?token=${host.token}`)).toBe(true);
  });

  it('trades the URL token for a same-site cookie that then admits the page', async () => {
    const first = await fetch(host.url, { redirect: 'manual' });
    expect(first.status).toBe(302);
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await fetch(`${host.origin}/`, { headers: { cookie: cookie.split(';')[0] } });
    expect([200, 404]).toContain(page.status); // 404 only when the renderer is not built
    if (page.status === 200) expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('refuses a request addressed to another host name (DNS rebinding)', async () => {
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
    expect(await status(`127.0.0.1:${new URL(host.url).port}`)).toBe(302);
  });

  it('answers the API and reports invalid arguments with the field named', async () => {
    const api = await host.api();
    const info = await api.call('app.info', {});
    expect(info).toMatchObject({ host: 'serve', studyName: 'study.db', caseCount: 0 });
    await expect(api.call('cases.get', { caseId: -3 })).rejects.toMatchObject({ code: 'api.invalid-args', message: expect.stringContaining('caseId') });
    await expect(api.call('cases.get', { caseId: 12345 })).rejects.toMatchObject({ code: 'not-found' });
    await expect(api.call('no.such' as 'app.info', {})).rejects.toMatchObject({ code: 'api.unknown-method' });
    api.close();
  });
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
