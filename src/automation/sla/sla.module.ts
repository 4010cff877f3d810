import type { SlaPolicy } from '../../db/entities';
import { slaPolicyRepository } from '../../db/repositories/sla.repository';
import type { DomainEvent } from '../../events/event-map';
import { startClusterJob } from '../../jobs/cluster-job';
import type { ChorusModule } from '../../module';
import { recomputeSla } from './recompute-sla';
import { slaRoutes } from './sla.routes';
import { runSlaSweep } from './sla-sweep';

export const SLA_SWEEP_JOB = 'sla-sweep';
const SWEEP_MS = 30_000;

// The tickets a transaction changed, from the events its commands emitted.
function ticketIdsOf(events: DomainEvent[]): number[] {
  const ids = new Set<number>();
  for (const e of events) {
    const p = e.payload as { ticketId?: unknown };
    if (e.name.startsWith('ticket.') || e.name.startsWith('message.')) if (typeof p.ticketId === 'number') ids.add(p.ticketId);
  }
  return [...ids];
}

// SLA clocks follow every ticket change in the change's own transaction (one hook for every
// command: pages, API, ingest, rules, sweeps); warnings and breaches fire from one cluster job.
export const slaModule: ChorusModule = {
  name: 'sla',
  register(s) {
    s.db.onCommit(async (m, events) => {
      const ids = ticketIdsOf(events);
      if (!ids.length) return;
      const now = s.now();
      let policies: SlaPolicy[] | undefined;
      for (const id of ids) {
        policies ??= await slaPolicyRepository.list(m);
        await recomputeSla(m, id, now, { policies });
      }
    });
  },
  routes: (r, s) => slaRoutes(r, s),
  async start(s) {
    return startClusterJob(s, SLA_SWEEP_JOB, SWEEP_MS, async (now) => {
      await runSlaSweep(s, now);
    });
  },
};
