// The loopback host's bridge: one WebSocket to 127.0.0.1. In the browser the launch token
// travels as the cookie the host set when the printed URL was opened; Node callers (tests, the
// benchmark) pass it in the URL and their own WebSocket class (Node 20 has none built in).
import type { Bridge } from '../../app/bridge';
import type { CallResult } from '../../app/api/dispatch';
import type { EventMessage } from '../../app/events';
import { decodeFrame, encodeFrame } from '../../app/wire';

type Pending = { resolve: (r: CallResult) => void };

type SocketClass = new (url: string) => WebSocket;

export type WsBridge = Bridge & { close: () => void };

export function connectWsBridge(url: string, Socket: SocketClass = WebSocket): Promise<WsBridge> {
  return new Promise((resolveBridge, rejectBridge) => {
    const socket = new Socket(url);
    socket.binaryType = 'arraybuffer';
    const pending = new Map<number, Pending>();
    const listeners = new Map<string, Set<(p: unknown) => void>>();
    let nextId = 1;

    socket.onmessage = (m) => {
      const msg = decodeFrame(m.data as ArrayBuffer) as { id?: number } & Partial<CallResult> & Partial<EventMessage>;
      if (typeof msg.id === 'number') {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        p?.resolve(msg.ok ? { ok: true, data: (msg as { data: unknown }).data } : { ok: false, error: (msg as { error: never }).error });
      } else if (msg.event) {
        for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
      }
    };
    socket.onclose = () => {
      for (const p of pending.values())
        p.resolve({ ok: false, error: { code: 'internal', message: 'The connection to Verdict was closed.' } });
      pending.clear();
    };
    socket.onerror = () => rejectBridge(new Error('Could not connect to the Verdict host (wrong or missing launch token?).'));
    socket.onopen = () =>
      resolveBridge({
        close: () => socket.close(),
        call: (name, args) =>
          new Promise<CallResult>((resolve) => {
            const id = nextId++;
            pending.set(id, { resolve });
            socket.send(encodeFrame({ id, name, args }));
          }),
        on: (event, listener) => {
          const set = listeners.get(event) ?? new Set();
          listeners.set(event, set);
          set.add(listener as (p: unknown) => void);
          return () => set.delete(listener as (p: unknown) => void);
        },
      });
  });
}
