// What a host gives the renderer: `call` for the typed API and `on` for events. The Electron
// preload exposes exactly this object as `window.verdict`; the WebSocket client implements it too.
import type { CallResult } from './api/dispatch';
import type { EventName, Events } from './events';

export type Bridge = {
  call: (name: string, args: unknown) => Promise<CallResult>;
  on: <E extends EventName>(event: E, listener: (payload: Events[E]) => void) => () => void;
};
