import type { EntityManager } from 'typeorm';
import type { EventBus } from '../events/bus';
import { ticketRepository, type CountGroup } from '../db/repositories/ticket.repository';
import { ACTIVE } from './inbox-query';

export interface SharedCountsValue {
  groups: CountGroup[];
  tags: { tag: string; n: number }[];
  at: number;
}

// Sidebar counts are the same for every agent (only "mine" differs, and it is one indexed
// count). Every open inbox refreshes on every ticket event, so without sharing, N agents would
// run the grouped pass N times per event. Here it runs once per burst of changes: recomputed
// when a ticket changed on this node since, or after `maxAgeMs` (changes made on other nodes).
export class SharedCounts {
  private value: SharedCountsValue | null = null;
  private inflight: Promise<SharedCountsValue> | null = null;
  private dirty = true;

  constructor(bus: EventBus, private maxAgeMs = 3000, private now: () => number = Date.now) {
    const touch = () => {
      this.dirty = true;
    };
    bus.on('ticket.created', touch);
    bus.on('ticket.updated', touch);
  }

  async get(m: EntityManager): Promise<SharedCountsValue> {
    if (this.value && !this.dirty && this.now() - this.value.at < this.maxAgeMs) return this.value;
    if (this.inflight) return this.inflight;
    this.dirty = false;
    this.inflight = (async () => {
      const at = this.now();
      const [groups, tags] = await Promise.all([ticketRepository.countGroups(m), ticketRepository.tagCounts(m, ACTIVE, 15)]);
      this.value = { groups, tags, at };
      return this.value;
    })().catch((err) => {
      this.dirty = true;
      throw err;
    }).finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }
}

const perNode = new WeakMap<object, SharedCounts>();
export function sharedCountsOf(s: { bus: EventBus; now: () => number }): SharedCounts {
  let c = perNode.get(s);
  if (!c) perNode.set(s, (c = new SharedCounts(s.bus, 3000, s.now)));
  return c;
}
