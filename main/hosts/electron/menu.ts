// The application menu. Commands are forwarded to the host's actions; no logic lives here.
import { Menu, type MenuItemConstructorOptions } from 'electron';

export type MenuActions = {
  importFolder: () => void;
  openStudy: () => void;
  /** File → Open study package… (a reader at another site). */
  openPackage: () => void;
  exportStudy: () => void;
  quit: () => void;
};

export function buildMenu(actions: MenuActions, isMac: boolean): Menu {
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Import folder…', accelerator: 'CmdOrCtrl+I', click: actions.importFolder },
      { label: 'Open study…', accelerator: 'CmdOrCtrl+O', click: actions.openStudy },
      { label: 'Open study package…', accelerator: 'CmdOrCtrl+Shift+O', click: actions.openPackage },
      { label: 'Export…', accelerator: 'CmdOrCtrl+E', click: actions.exportStudy },
      { type: 'separator' },
      { label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: actions.quit },
    ],
  };
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    file,
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}
