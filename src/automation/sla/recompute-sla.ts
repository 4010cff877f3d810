import type { EntityManager } from 'typeorm';
import type { SlaPolicy, Ticket } from '../../db/entities';
import { businessCalendarRepository } from '../../db/repositories/business-calendar.repository';
import { reportSourceRepository } from '../../db/repositories/report-fact.repository';
import { slaClockRepository, slaFactsRepository, slaPolicyRepository } from '../../db/repositories/sla.repository';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { factsWriter } from '../../reports/facts-writer';
import { isNoise } from '../../reports/ticket-facts';
import { advanceClock, nextAlertAt, type SlaAlert, takeAlerts } from './sla-clock';
import { firstMatchingPolicy, needsReach, needsTags } from './policy-match';

export interface SlaRecomputed { ticket: Ticket; policy: SlaPolicy | null; alerts: SlaAlert[] }

/**
 * Brings one ticket's SLA up to `now` inside the caller's transaction: picks the policy that
 * applies (first match, in order), advances the clock, stores its next due time and target on
 * the ticket and records the outcome of each target it ended. With `alerts`, also marks and
 * returns the warnings and breaches due now (the sweep fires them). Called for every ticket a
 * command changed (see sla.module) and by the sweep.
 */
export async function recomputeSla(m: EntityManager, ticketId: number, now: number, opts: { alerts?: boolean; policies?: SlaPolicy[] } = {}): Promise<SlaRecomputed | null> {
  const t = await ticketRepository.findById(m, ticketId);
  if (!t) return null;
  const policies = opts.policies ?? (await slaPolicyRepository.list(m));
  // Nothing applies and nothing ran: the common case of an install without SLA costs this much.
  if (!policies.length && t.slaPolicyId === null && t.slaDueAt === null) return { ticket: t, policy: null, alerts: [] };
  const clock = await slaClockRepository.find(m, t.id, true);
  if (t.mergedIntoId !== null) {
    if (clock) await slaClockRepository.remove(m, t.id);
    if (t.slaDueAt !== null || t.slaPolicyId !== null) await ticketRepository.update(m, t.id, { slaDueAt: null, slaPolicyId: null, slaTarget: null });
    return { ticket: t, policy: null, alerts: [] };
  }
  // One after the other: this runs in the change's transaction, whose one connection takes one query at a time.
  const tags = needsTags(policies) ? (await ticketRepository.tagsOf(m, [t.id])).get(t.id) ?? [] : [];
  const reach = needsReach(policies) ? (await reportSourceRepository.followersOf(m, [t.requesterId])).get(t.requesterId) ?? null : null;
  const policy = firstMatchingPolicy(policies, { ticket: t, tags, reach });
  if (!policy && !clock && t.slaDueAt === null && t.slaPolicyId === null) return { ticket: t, policy: null, alerts: [] };
  const cal = policy?.businessHours ? await businessCalendarRepository.forTicket(m, t) : null;
  const waiting = policy?.nextResponseMinutes && t.firstResponseAt !== null ? (await slaFactsRepository.unanswered(m, t)).find((x) => !isNoise(x)) : undefined;
  const r = advanceClock(clock?.state ?? null, policy, {
    status: t.status, automatic: t.automatic !== null, snoozed: t.snoozed !== null, createdAt: t.createdAt, firstResponseAt: t.firstResponseAt, waitingSince: waiting?.createdAt ?? null,
  }, cal, now);
  const alerts = opts.alerts ? takeAlerts(r.state, policy?.warnBeforeMinutes ?? 0, now) : [];
  const alertAt = nextAlertAt(r.state, policy?.warnBeforeMinutes ?? 0);
  if (!policy && !Object.keys(r.state.targets).length) {
    if (clock) await slaClockRepository.remove(m, t.id);
  } else {
    await slaClockRepository.save(m, t.id, r.state, alertAt);
  }
  const patch = { slaDueAt: r.next?.dueAt ?? null, slaTarget: r.next?.target ?? null, slaPolicyId: policy?.id ?? null };
  if (patch.slaDueAt !== t.slaDueAt || patch.slaTarget !== t.slaTarget || patch.slaPolicyId !== t.slaPolicyId) {
    await ticketRepository.update(m, t.id, patch);
    Object.assign(t, patch);
  }
  for (const o of r.outcomes) await factsWriter.slaOutcome(m, t, o);
  // The snooze stopped or restarted the clock and moved its due times: said on the ticket, with
  // the policy as its cause (the status alone would not explain it).
  if (r.pause && policy) {
    await ticketEventRepository.record(m, t.id, `sla.${r.pause.kind}`, { type: 'system', cause: { kind: 'sla', id: policy.id, name: policy.name } },
      { by: r.pause.by, pausedMs: r.pause.pausedMs, due: r.pause.due, rearmed: r.pause.rearmed, policyId: policy.id, policyName: policy.name }, now);
  }
  return { ticket: t, policy, alerts };
}
