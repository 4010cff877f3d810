import { slaClockRepository } from '../../db/repositories/sla.repository';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import type { Services } from '../../services';
import { recomputeSla } from './recompute-sla';

const BATCH = 200;

/**
 * Fires the SLA warnings and breaches due at `now`: reads the clocks whose alert time passed
 * (an index range, never a scan of tickets), and for each, in its own transaction, advances the
 * clock, marks what fired and records it as a TicketEvent naming the policy. Runs as a cluster
 * job; a clock is re-read under a row lock, so an alert another node already fired is skipped.
 * Returns how many alerts fired.
 */
export async function runSlaSweep(s: Services, now: number): Promise<number> {
  let fired = 0;
  for (let round = 0; round < 100; round++) {
    const due = await slaClockRepository.due(s.db.m, now, BATCH);
    for (const d of due) {
      fired += await s.db.transaction(async (tx) => {
        const clock = await slaClockRepository.find(tx.m, d.ticketId, true);
        if (!clock || clock.alertAt === null || clock.alertAt > now) return 0;
        const r = await recomputeSla(tx.m, d.ticketId, now, { alerts: true });
        if (!r) {
          await slaClockRepository.remove(tx.m, d.ticketId);
          return 0;
        }
        for (const a of r.alerts) {
          const payload = { ticketId: r.ticket.id, policyId: r.policy!.id, policyName: r.policy!.name, target: a.target, dueAt: a.dueAt };
          const type = a.kind === 'warning' ? 'sla.warning' : 'sla.breached';
          await ticketEventRepository.record(tx.m, r.ticket.id, type, { type: 'system' }, { policyId: payload.policyId, policyName: payload.policyName, target: a.target, dueAt: a.dueAt }, now);
          tx.emit(type, payload);
        }
        return r.alerts.length;
      });
    }
    if (due.length < BATCH) break;
  }
  return fired;
}
