import { EventEmitter } from 'node:events';
import type { DomainEvent, EventMap, EventName } from './event-map';

type Handler<K extends EventName> = (payload: EventMap[K]) => void | Promise<void>;

// In-process bus. Events reach it only after their transaction commits (see db/transaction.ts);
// realtime fan-out to other nodes goes through the socket.io adapter, not this bus.
export class EventBus {
  private emitter = new EventEmitter();
  private pending = new Set<Promise<unknown>>();
  onError: (err: unknown, event: EventName) => void = () => {};

  constructor() {
    this.emitter.setMaxListeners(100);
  }

  on<K extends EventName>(name: K, handler: Handler<K>): void {
    this.emitter.on(name, (payload: EventMap[K]) => {
      try {
        const r = handler(payload);
        if (r && typeof (r as Promise<void>).then === 'function') {
          const p = (r as Promise<void>).catch((err) => this.onError(err, name)).finally(() => this.pending.delete(p));
          this.pending.add(p);
        }
      } catch (err) {
        this.onError(err, name);
      }
    });
  }

  publish(events: DomainEvent[]): void {
    for (const e of events) this.emitter.emit(e.name, e.payload);
  }

  // Lets tests and shutdown wait for handlers already running.
  async drain(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }
}
