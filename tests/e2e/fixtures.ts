// Playwright fixtures: each test gets its own loopback host on a fresh temp folder, a typed API
// client to it (to compare what the UI shows with what main returns), and a page whose console
// is watched for CSP violations and uncaught errors.
import { test as base, expect, type Page } from '@playwright/test';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportReport } from '../../app/domain';
import { decodeFrame } from '../../app/wire';
import type { ApiClient } from '../../renderer/lib/api-client';
import { repoRoot, startServeProcess, type ServeProcess } from '../support/serve-process';

export const SCREENSHOTS = join(repoRoot, 'test-results', 'screenshots');

type Fixtures = {
  host: ServeProcess;
  api: ApiClient;
  problems: string[];
  app: Page;
};

export const test = base.extend<Fixtures>({
  host: async ({}, use) => {
    const host = await startServeProcess();
    try {
      await use(host);
    } finally {
      await host.stop();
      rmSync(host.dataDir, { recursive: true, force: true });
    }
  },
  api: async ({ host }, use) => {
    const api = await host.api();
    await use(api);
    api.close();
  },
  problems: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      const text = m.text();
      if (/Content[- ]Security[- ]Policy|Refused to (execute|evaluate|load|connect|create)/i.test(text)) problems.push(`CSP: ${text}`);
      else if (m.type() === 'error') problems.push(`console error: ${text}`);
    });
    await use(problems);
  },
  /** The app, opened through the URL the host printed (it trades the token for a cookie). */
  app: async ({ page, host, problems }, use) => {
    void problems;
    await page.goto(host.url);
    await expect(page.getByTestId('study-info')).toBeVisible();
    await use(page);
  },
});

export { expect };

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Imports a folder through the import panel and waits for its report. */
export async function importThroughUi(page: Page, folder: string): Promise<void> {
  await page.getByTestId('open-import').click();
  await page.getByTestId('import-path').fill(folder);
  await page.getByTestId('import-start').click();
  await expect(page.getByTestId('import-report')).toBeVisible({ timeout: 150_000 });
}

/** Imports a folder through the API (for tests whose subject is not the import panel). */
export async function importThroughApi(api: ApiClient, folder: string): Promise<ImportReport> {
  const reports = new Map<string, ImportReport>();
  let wanted: string | null = null;
  let done: (r: ImportReport) => void = () => {};
  const finished = new Promise<ImportReport>((resolve) => (done = resolve));
  const off = api.on('import.finished', (r) => {
    reports.set(r.jobId, r);
    if (r.jobId === wanted) done(r);
  });
  try {
    const { jobId } = await api.call('import.start', { path: folder });
    wanted = jobId;
    const early = reports.get(jobId);
    return early ?? (await finished);
  } finally {
    off();
  }
}

/** Signs in on the sign-in screen: picks the name, types the passphrase. */
export async function signIn(page: Page, name: string, passphrase: string): Promise<void> {
  const form = page.getByTestId('sign-in');
  await form.getByRole('radio', { name }).check();
  await page.getByTestId('passphrase').fill(passphrase);
  await page.getByTestId('sign-in-submit').click();
  await expect(page.getByTestId('signed-in')).toContainText(name);
}

export type ApiExchange = { id: number; name: string; args: unknown; result?: { ok: boolean; data?: unknown; error?: unknown } };

/**
 * Records the page's API calls and their replies as they cross the loopback WebSocket (decoded
 * with the same framing main uses), so a test can check what the UI was given, not only what
 * it shows.
 */
export function recordApi(page: Page): ApiExchange[] {
  const calls: ApiExchange[] = [];
  const byId = new Map<number, ApiExchange>();
  const bytes = (p: string | Buffer) => (typeof p === 'string' ? new TextEncoder().encode(p) : new Uint8Array(p));
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => {
      const m = decodeFrame(bytes(f.payload)) as { id?: number; name?: string; args?: unknown };
      if (typeof m.id === 'number' && m.name) {
        const c = { id: m.id, name: m.name, args: m.args };
        byId.set(m.id, c);
        calls.push(c);
      }
    });
    ws.on('framereceived', (f) => {
      const m = decodeFrame(bytes(f.payload)) as { id?: number; ok?: boolean; data?: unknown; error?: unknown };
      const c = typeof m.id === 'number' ? byId.get(m.id) : undefined;
      if (c) c.result = { ok: m.ok === true, data: m.data, error: m.error };
    });
  });
  return calls;
}
