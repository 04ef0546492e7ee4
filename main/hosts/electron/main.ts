// The Electron host: one hardened window over the same API and services as the loopback host.
// Transport and window management only; every call goes through `dispatch`.
import { app, BrowserWindow, dialog, ipcMain, Menu, session, type IpcMainInvokeEvent } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dispatch } from '../../../app/api/dispatch';
import type { EventMessage, MenuCommand } from '../../../app/events';
import type { CallContext } from '../../../app/api/endpoint';
import { VerdictError } from '../../../app/errors';
import { createVerdict, type Verdict } from '../../verdict';
import { consoleLog } from '../../log';
import { rendererDir } from '../../paths';
import { openDemoStudy } from '../../demo-study';
import { ensurePrivateDir, makePrivate, preparePrivateFile } from '../../services/db/private-files';
import { APP_ORIGIN, CALL_CHANNEL, EVENT_CHANNEL } from './channels';
import { buildMenu } from './menu';
import { registerSchemePrivileges, serveRenderer } from './app-protocol';
import { startupDatabase } from '../../services/packages/startup-database';

// Packaged: migrations, demo and renderer sit in the resources folder; `npm start` sets the
// variable to the repository root instead.
process.env.VERDICT_RESOURCES ??= process.resourcesPath;

let win: BrowserWindow | null = null;
let verdict: Verdict | null = null;
let caller: CallContext | null = null;
let unsubscribe: () => void = () => {};

registerSchemePrivileges();
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (win?.isMinimized()) win.restore();
    win?.focus();
  });
  app
    .whenReady()
    .then(start)
    .catch((e) => fatal(e));
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => verdict?.close());
}

function fatal(e: unknown) {
  consoleLog.error('Verdict could not start', e);
  dialog.showErrorBox('Verdict could not start', e instanceof VerdictError ? e.message : String(e));
  app.exit(1);
}

const pickFolder = async (title?: string) => {
  const r = await dialog.showOpenDialog(win!, { title: title ?? 'Import folder', properties: ['openDirectory'] });
  return r.canceled ? null : r.filePaths[0];
};

const pickFile = async (a: { title?: string; save?: boolean; defaultName?: string }) => {
  if (a.save) {
    const r = await dialog.showSaveDialog(win!, { title: a.title ?? 'Save', defaultPath: a.defaultName });
    return r.canceled || !r.filePath ? null : r.filePath;
  }
  const r = await dialog.showOpenDialog(win!, { title: a.title ?? 'Open', properties: ['openFile'] });
  return r.canceled ? null : r.filePaths[0];
};

// A reader opened a study package (packages.open): the window reads its workspace from now on. The
// database is opened here (a failure is the caller's error and changes nothing); the switch waits
// until the reply to that call has gone.
async function openWorkspace(dbPath: string): Promise<void> {
  const next = newVerdict(dbPath);
  setImmediate(() => serveStudy(next, dbPath, false));
}

const newVerdict = (dbPath: string) =>
  createVerdict({ dbPath, host: 'electron', pickFolder, pickFile, openWorkspace, sqliteBinding: process.env.VERDICT_SQLITE_BINDING });

function openStudy(dbPath: string, importDemoIfNew: boolean) {
  const isNew = !existsSync(dbPath);
  serveStudy(newVerdict(dbPath), dbPath, isNew && importDemoIfNew);
}

function serveStudy(next: Verdict, dbPath: string, importDemo: boolean) {
  unsubscribe();
  verdict?.close();
  verdict = next;
  // One window, one caller; a newly opened study starts signed out. The window hears the events
  // its own calls cause, and background work's only while its caller is staff.
  caller = next.newCaller();
  unsubscribe = next.events.connect(caller, (m: EventMessage) => win?.webContents.send(EVENT_CHANNEL, m));
  if (importDemo) void openDemoStudy(next, consoleLog).catch((e) => consoleLog.error('demo study failed', e));
  // The host's own news for its one window (like menu commands), not a service event.
  win?.webContents.send(EVENT_CHANNEL, { event: 'study.changed', payload: { studyName: dbPath } } satisfies EventMessage);
}

function isOurRenderer(e: IpcMainInvokeEvent) {
  return e.senderFrame?.url.startsWith(`${APP_ORIGIN}/`) === true;
}

async function start() {
  // Deny every permission (camera, notifications, …) and every navigation away from the app.
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  serveRenderer(rendererDir());
  const dataDir = app.getPath('userData');
  ensurePrivateDir(dataDir);
  // The data folder's study.db, or on a reader's workstation the workspace they opened last.
  openStudy(startupDatabase(dataDir).dbPath, true);

  ipcMain.handle(CALL_CHANNEL, (e, msg: unknown) => {
    if (!isOurRenderer(e))
      return { ok: false, error: { code: 'api.unauthorised', message: 'Calls are accepted from the Verdict window only.' } };
    const { name, args } = (msg ?? {}) as { name?: unknown; args?: unknown };
    return dispatch(verdict!.handlers, caller!, name, args, (n, err) => consoleLog.error(`API ${n} failed`, err));
  });

  win = new BrowserWindow({
    width: 1440,
    height: 900,
    backgroundColor: '#111418',
    title: 'Verdict',
    webPreferences: {
      preload: join(import.meta.dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.webContents.on('will-navigate', (e, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));

  const send = (command: MenuCommand, path?: string) =>
    win?.webContents.send(EVENT_CHANNEL, { event: 'menu.command', payload: { command, path } } satisfies EventMessage);
  const menu = buildMenu(
    {
      importFolder: async () => {
        const path = await pickFolder();
        if (path) send('import-folder', path);
      },
      openStudy: async () => {
        const r = await dialog.showOpenDialog(win!, {
          title: 'Open study',
          properties: ['openFile', 'promptToCreate'],
          filters: [{ name: 'Verdict study', extensions: ['db'] }],
        });
        if (r.canceled) return;
        try {
          openStudy(r.filePaths[0], false);
          send('open-study', r.filePaths[0]);
        } catch (e) {
          dialog.showErrorBox('Cannot open study', e instanceof VerdictError ? e.message : String(e));
        }
      },
      // The passphrase is asked in the window: the menu passes the chosen file to the renderer.
      openPackage: async () => {
        const r = await dialog.showOpenDialog(win!, {
          title: 'Open study package',
          properties: ['openFile'],
          filters: [
            { name: 'Verdict study package', extensions: ['tar', 'verdict'] },
            { name: 'All files', extensions: ['*'] },
          ],
        });
        if (!r.canceled) send('open-package', r.filePaths[0]);
      },
      exportStudy: async () => {
        const r = await dialog.showSaveDialog(win!, { title: 'Export a copy of the study database', defaultPath: 'verdict-study-copy.db' });
        if (r.canceled || !r.filePath) return;
        // The copy holds what the study does (answers, reader names): the user's alone, like it.
        preparePrivateFile(r.filePath);
        await verdict!.study.db.backup(r.filePath);
        makePrivate(r.filePath);
        send('export', r.filePath);
      },
      quit: () => app.quit(),
    },
    process.platform === 'darwin',
  );
  Menu.setApplicationMenu(menu);
  await win.loadURL(`${APP_ORIGIN}/index.html`);
}
