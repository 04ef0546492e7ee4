// Electron itself cannot run on our machines, so this loads the real Electron host module
// against a stand-in `electron` that records what the host asks of it: the window's security
// settings, the single-instance lock, the menu, and the IPC handler's behaviour.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const fake = vi.hoisted(() => {
  const state = {
    userData: '',
    windows: [] as { options: Record<string, any>; loaded: string | null; sent: unknown[] }[],
    ipc: new Map<string, (e: unknown, msg: unknown) => unknown>(),
    menuLabels: [] as string[],
    lockRequested: false,
    schemes: [] as unknown[],
    permissionHandler: null as null | ((wc: unknown, p: string, cb: (ok: boolean) => void) => void),
  };
  class BrowserWindow {
    webContents: Record<string, unknown>;
    record: (typeof state.windows)[number];
    constructor(options: Record<string, any>) {
      this.record = { options, loaded: null, sent: [] };
      state.windows.push(this.record);
      this.webContents = {
        on: () => {},
        setWindowOpenHandler: () => {},
        send: (_ch: string, m: unknown) => this.record.sent.push(m),
      };
    }
    loadURL(url: string) {
      this.record.loaded = url;
      return Promise.resolve();
    }
    isMinimized() { return false; }
    focus() {}
    restore() {}
  }
  const electron = {
    app: {
      requestSingleInstanceLock: () => ((state.lockRequested = true), true),
      whenReady: () => Promise.resolve(),
      on: () => {},
      quit: () => {},
      exit: () => {},
      getPath: () => state.userData,
    },
    BrowserWindow,
    ipcMain: { handle: (ch: string, fn: (e: unknown, m: unknown) => unknown) => state.ipc.set(ch, fn) },
    dialog: { showErrorBox: (t: string, m: string) => { throw new Error(`${t}: ${m}`); }, showOpenDialog: async () => ({ canceled: true, filePaths: [] }), showSaveDialog: async () => ({ canceled: true }) },
    session: { defaultSession: { setPermissionRequestHandler: (h: typeof state.permissionHandler) => (state.permissionHandler = h) } },
    protocol: { registerSchemesAsPrivileged: (s: unknown[]) => state.schemes.push(...s), handle: () => {} },
    net: { fetch: async () => new Response('') },
    Menu: {
      buildFromTemplate: (t: { label?: string; submenu?: { label?: string }[] }[]) => {
        for (const item of t) for (const sub of item.submenu ?? []) if (sub.label) state.menuLabels.push(sub.label);
        return {};
      },
      setApplicationMenu: () => {},
    },
  };
  return { state, electron };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

beforeAll(async () => {
  fake.state.userData = mkdtempSync(join(tmpdir(), 'verdict-electron-'));
  process.env.VERDICT_RESOURCES = join(import.meta.dirname, '../../..');
  await import('./main');
  await vi.waitFor(() => expect(fake.state.windows[0]?.loaded).toBeTruthy(), { timeout: 10_000 });
});
afterAll(() => {
  delete process.env.VERDICT_RESOURCES;
});

describe('Electron host', () => {
  it('opens one hardened window on the app scheme, behind a single-instance lock', () => {
    expect(fake.state.lockRequested).toBe(true);
    const { options, loaded } = fake.state.windows[0];
    expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(options.webPreferences.preload).toMatch(/preload\.cjs$/);
    expect(loaded).toBe('verdict-app://renderer/index.html');
  });

  it('has the File menu the issue asks for', () => {
    expect(fake.state.menuLabels).toEqual(expect.arrayContaining(['Import folder…', 'Open study…', 'Export…', 'Quit']));
  });

  it('denies every permission request', () => {
    let granted: boolean | null = null;
    fake.state.permissionHandler!(null, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);
  });

  it('answers API calls from its own window through dispatch, and refuses other senders', async () => {
    const handle = fake.state.ipc.get('verdict:call')!;
    const ours = { senderFrame: { url: 'verdict-app://renderer/index.html' } };
    const info = (await handle(ours, { name: 'app.info', args: {} })) as { ok: boolean; data: { host: string; studyName: string } };
    expect(info).toMatchObject({ ok: true, data: { host: 'electron', studyName: 'study.db' } });
    const bad = (await handle(ours, { name: 'cases.get', args: { caseId: 'x' } })) as { ok: boolean; error: { code: string } };
    expect(bad).toMatchObject({ ok: false, error: { code: 'api.invalid-args' } });
    const foreign = (await handle({ senderFrame: { url: 'https://example.com/' } }, { name: 'app.info', args: {} })) as { ok: boolean; error: { code: string } };
    expect(foreign).toMatchObject({ ok: false, error: { code: 'api.unauthorised' } });
  });
});
