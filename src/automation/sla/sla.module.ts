import type { SlaPolicy } from '../../db/entities';
import { slaPolicyRepository } from '../../db/repositories/sla.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { VersionedCache } from '../../db/versioned-cache';
import { changedTicketIds } from '../../events/changed-tickets';
import { startClusterJob } from '../../jobs/cluster-job';
import type { ChorusModule } from '../../module';
import { needsTags } from './policy-match';
import { recomputeSla } from './recompute-sla';
import { slaRoutes } from './sla.routes';
import { runSlaSweep } from './sla-sweep';

export const SLA_SWEEP_JOB = 'sla-sweep';
const SWEEP_MS = 30_000;

// What a ticket change must touch for its SLA to stay right: a change of only tags or priority
// moves nothing unless a policy's conditions read them (the clock follows the status, the
// messages and the policy that applies).
function unmoved(policies: SlaPolicy[]): Set<string> {
  const out = new Set<string>();
  if (!needsTags(policies)) out.add('tags');
  if (!policies.some((p) => p.enabled && !!p.conditions?.priorities?.length)) out.add('priority');
  return out;
}

// SLA clocks follow every ticket change in the change's own transaction (one hook for every
// command: pages, API, ingest, rules, sweeps); warnings and breaches fire from one cluster job.
export const slaModule: ChorusModule = {
  name: 'sla',
  register(s) {
    // Read on every ticket change; the node's copy is checked against the table's stamp.
    const cached = new VersionedCache('sla_policies', (m) => slaPolicyRepository.list(m));
    s.db.onCommit(async (m, events) => {
      if (!changedTicketIds(events).length) return;
      const policies = await cached.get(m, events);
      const now = s.now();
      let ids = changedTicketIds(events, unmoved(policies));
      // With no policy, only a ticket still carrying a due time or policy has anything to clear:
      // one narrow read instead of each whole ticket (an install without SLAs pays just this).
      if (!policies.length) ids = await ticketRepository.withSlaState(m, ids);
      for (const id of ids) await recomputeSla(m, id, now, { policies });
    });
  },
  routes: (r, s) => slaRoutes(r, s),
  async start(s) {
    return startClusterJob(s, SLA_SWEEP_JOB, SWEEP_MS, async (now) => {
      await runSlaSweep(s, now);
    });
  },
};
