// Typed events from services to whichever host is listening (IPC or WebSocket).
import type { EventMessage, EventName, Events } from '../app/events';

export type EventListener = (message: EventMessage) => void;

export class EventBus {
  readonly #listeners = new Set<EventListener>();
  emit<E extends EventName>(event: E, payload: Events[E]): void {
    const message = { event, payload } as EventMessage;
    for (const l of this.#listeners) l(message);
  }
  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
