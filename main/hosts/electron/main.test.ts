// Electron itself cannot run on our machines, so this loads the real Electron host module
// against a stand-in `electron` (stand-in-electron.ts) that records what the host asks of it: the
// window's security settings, the single-instance lock, the menu, and the IPC handler's behaviour.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { state } from './stand-in-electron';

// The stand-in is shared with the packaged-app check (scripts/packaging/linux-package.test.ts).
vi.mock('electron', async () => {
  const { electron } = await import('./stand-in-electron');
  return { ...electron, default: electron };
});

beforeAll(async () => {
  state.userData = mkdtempSync(join(tmpdir(), 'verdict-electron-'));
  process.env.VERDICT_RESOURCES = join(import.meta.dirname, '../../..');
  await import('./main');
  await vi.waitFor(() => expect(state.windows[0]?.loaded).toBeTruthy(), { timeout: 10_000 });
}, 60_000); // loading the whole host's module graph takes a while on a busy machine
afterAll(() => {
  delete process.env.VERDICT_RESOURCES;
});

describe('Electron host', () => {
  it('opens one hardened window on the app scheme, behind a single-instance lock', () => {
    expect(state.lockRequested).toBe(true);
    const { options, loaded } = state.windows[0];
    expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(options.webPreferences.preload).toMatch(/preload\.cjs$/);
    expect(loaded).toBe('verdict-app://renderer/index.html');
  });

  it('has the File menu the issue asks for', () => {
    expect(state.menuLabels).toEqual(expect.arrayContaining(['Import folder…', 'Open study…', 'Open study package…', 'Export…', 'Quit']));
  });

  it('denies every permission request', () => {
    let granted: boolean | null = null;
    state.permissionHandler!(null, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);
  });

  it('answers API calls from its own window through dispatch, and refuses other senders', async () => {
    const handle = state.ipc.get('verdict:call')!;
    const ours = { senderFrame: { url: 'verdict-app://renderer/index.html' } };
    const info = (await handle(ours, { name: 'app.info', args: {} })) as { ok: boolean; data: { host: string; studyName: string } };
    expect(info).toMatchObject({ ok: true, data: { host: 'electron', studyName: 'study.db' } });
    const bad = (await handle(ours, { name: 'cases.get', args: { caseId: 'x' } })) as { ok: boolean; error: { code: string } };
    expect(bad).toMatchObject({ ok: false, error: { code: 'api.invalid-args' } });
    const foreign = (await handle({ senderFrame: { url: 'https://example.com/' } }, { name: 'app.info', args: {} })) as {
      ok: boolean;
      error: { code: string };
    };
    expect(foreign).toMatchObject({ ok: false, error: { code: 'api.unauthorised' } });
  });
});
