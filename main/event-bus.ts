// Typed events from services to the connections that may see them. An event goes either to the
// connection whose request caused it (the caller of that request: progress of the import or
// explanation it started) or, for background work nobody asked for over the API (the demo
// set-up at first launch, a study's stimulus preparation), to the staff connections only —
// never to everyone: a reader's socket must not hear "Smooth CDAM of MEL — Derm-016".
import type { EventMessage, EventName, Events } from '../app/events';
import type { CallContext } from '../app/api/endpoint';

/**
 * Who an event is for: the connection of the caller who asked, while the same person is signed in
 * on it (a reader signing in on the coordinator's window later does not inherit the coordinator's
 * job progress), or every connection whose caller is staff at the time of the event.
 */
export type Recipient = 'staff' | { caller: CallContext; readerId: number | null };

/** The recipient for the events a request causes: its caller, as signed in now. */
export const requester = (caller: CallContext): Recipient => ({ caller, readerId: caller.readerId });

export type EventListener = (message: EventMessage) => void;

type Connection = { caller: CallContext; send: EventListener };

export class EventBus {
  readonly #connections = new Set<Connection>();

  emit<E extends EventName>(event: E, payload: Events[E], to: Recipient): void {
    const message = { event, payload } as EventMessage;
    for (const c of this.#connections) {
      // Staff is asked at each event: a connection's caller may have signed in or out since.
      const admitted = to === 'staff' ? c.caller.allows('staff') : c.caller === to.caller && c.caller.readerId === to.readerId;
      if (admitted) c.send(message);
    }
  }

  /** A host's connection (a WebSocket, an Electron window) and its caller; returns the unsubscribe. */
  connect(caller: CallContext, send: EventListener): () => void {
    const c: Connection = { caller, send };
    this.#connections.add(c);
    return () => this.#connections.delete(c);
  }
}
