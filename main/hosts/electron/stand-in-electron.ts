// A stand-in for the `electron` module (Electron's binary cannot run on our machines). It records
// what the host asks of it — windows and their settings, the single-instance lock, the menu, IPC
// handlers, the app protocol's handler — so tests can load the real host, from the sources
// (main.test.ts, through vi.mock) or from a packaged app.asar (scripts/packaging, through an alias).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

type WindowRecord = { options: Record<string, any>; loaded: string | null; sent: unknown[] };
type Handler = (e: unknown, msg: unknown) => unknown;

export const state = {
  userData: '',
  windows: [] as WindowRecord[],
  ipc: new Map<string, Handler>(),
  menuLabels: [] as string[],
  lockRequested: false,
  schemes: [] as unknown[],
  protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
  permissionHandler: null as null | ((wc: unknown, p: string, cb: (ok: boolean) => void) => void),
};

class BrowserWindow {
  webContents: Record<string, unknown>;
  record: WindowRecord;
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
  isMinimized() {
    return false;
  }
  focus() {}
  restore() {}
}

// Electron's net.fetch reads file: URLs; so does this one, so the app protocol serves real files.
async function fetchFile(url: string): Promise<Response> {
  try {
    return new Response(await readFile(fileURLToPath(url)));
  } catch {
    return new Response('Not found', { status: 404 });
  }
}

export const electron = {
  app: {
    requestSingleInstanceLock: () => ((state.lockRequested = true), true),
    whenReady: () => Promise.resolve(),
    on: () => {},
    quit: () => {},
    exit: () => {},
    getPath: () => state.userData,
  },
  BrowserWindow,
  ipcMain: { handle: (ch: string, fn: Handler) => state.ipc.set(ch, fn) },
  dialog: {
    showErrorBox: (t: string, m: string) => {
      throw new Error(`${t}: ${m}`);
    },
    showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
    showSaveDialog: async () => ({ canceled: true }),
  },
  session: { defaultSession: { setPermissionRequestHandler: (h: typeof state.permissionHandler) => (state.permissionHandler = h) } },
  protocol: {
    registerSchemesAsPrivileged: (s: unknown[]) => state.schemes.push(...s),
    handle: (scheme: string, h: (request: Request) => Promise<Response>) => state.protocolHandlers.set(scheme, h),
  },
  net: { fetch: fetchFile },
  Menu: {
    buildFromTemplate: (t: { label?: string; submenu?: { label?: string }[] }[]) => {
      for (const item of t) for (const sub of item.submenu ?? []) if (sub.label) state.menuLabels.push(sub.label);
      return {};
    },
    setApplicationMenu: () => {},
  },
};

export default electron;
// Named exports too: a bundled main process imports { app, BrowserWindow, … } from "electron".
export const { app, dialog, ipcMain, session, protocol, net, Menu } = electron;
export { BrowserWindow };
