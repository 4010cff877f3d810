import { performance } from 'node:perf_hooks';
import type { EntityManager } from 'typeorm';
import type { EventBus } from '../events/bus';
import { ticketCountRepository, type CountGroup } from '../db/repositories/ticket-count.repository';

export interface SharedCountsValue {
  groups: CountGroup[];
  tags: { tag: string; n: number }[];
  at: number;
}

// Sidebar counts are the same for every agent ("mine" is one of the groups). They are read from
// the kept counters (a few hundred rows, whatever the number of tickets), once per burst of
// changes for all open inboxes: again when a ticket changed on this node since, or after
// `maxAgeMs` (changes made on other nodes).
//
// The read is quick, so pages wait for it and the counts are exact. Should it ever take longer
// than `slowMs` (a database under load), pages get the previous counts at once, the read runs
// behind them, and `inbox.counts` is published when fresher counts are ready.
export class SharedCounts {
  private value: SharedCountsValue | null = null;
  private inflight: Promise<SharedCountsValue> | null = null;
  private dirty = true;
  private lastPassMs = 0;
  private announce = false;

  constructor(private bus: EventBus, private maxAgeMs = 3000, private now: () => number = Date.now, private slowMs = 150) {
    const touch = () => {
      this.dirty = true;
    };
    bus.on('ticket.created', touch);
    bus.on('ticket.updated', touch);
  }

  async get(m: EntityManager): Promise<SharedCountsValue> {
    const fresh = this.value && !this.dirty && this.now() - this.value.at < this.maxAgeMs;
    if (fresh) return this.value!;
    const pass = this.inflight ?? this.recompute(m);
    if (this.value && this.lastPassMs > this.slowMs) {
      this.announce = true;
      pass.catch(() => {});
      return this.value;
    }
    return pass;
  }

  private recompute(m: EntityManager): Promise<SharedCountsValue> {
    this.dirty = false;
    this.inflight = (async () => {
      const at = this.now();
      const started = performance.now();
      const [groups, tags] = await Promise.all([ticketCountRepository.groups(m), ticketCountRepository.topTags(m, 15)]);
      this.lastPassMs = performance.now() - started;
      this.value = { groups, tags, at };
      if (this.announce) {
        this.announce = false;
        this.bus.publish([{ name: 'inbox.counts', payload: {} }]);
      }
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
