// The preload exposes exactly one object, `window.verdict`, with `call` and `on` — the typed
// API's transport. Nothing else of Node or Electron reaches the (sandboxed) renderer.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { Bridge } from '../../../app/bridge';
import type { EventMessage } from '../../../app/events';
import { CALL_CHANNEL, EVENT_CHANNEL } from './channels';

const bridge: Bridge = {
  call: (name, args) => ipcRenderer.invoke(CALL_CHANNEL, { name, args }),
  on: (event, listener) => {
    const handler = (_e: IpcRendererEvent, m: EventMessage) => {
      if (m.event === event) listener(m.payload as never);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('verdict', bridge);
