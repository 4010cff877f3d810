import type { EntityManager } from 'typeorm';
import type { Inbox, RetentionAction, RetentionPolicy, TicketRetention } from '../../db/entities';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import { legalHoldRepository } from '../../db/repositories/legal-hold.repository';
import { retentionPolicyRepository } from '../../db/repositories/retention-policy.repository';
import { type Cursor, type RetentionCandidate, retentionRepository } from '../../db/repositories/retention.repository';

const PAGE = 200;
// A sweep acts on at most this many tickets per policy; the next night goes on. A dry run
// reads exactly what the sweep would take, with the same bound.
export const MAX_PER_RUN = 2_000;

// Which earlier retention states a policy still takes: a stronger policy goes on from a weaker
// one's work (attachments → anonymised → deleted), the same one never twice.
const STATES: Record<RetentionAction, TicketRetention[]> = {
  attachments: [null],
  anonymise: [null, 'attachments'],
  delete: [null, 'attachments', 'anonymised'],
};

// Closed more than `months` calendar months before now.
export function cutoffOf(now: number, months: number): number {
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.getTime();
}

export function describePolicy(p: Pick<RetentionPolicy, 'scope' | 'inboxId' | 'months' | 'action'>, inboxes: Pick<Inbox, 'id' | 'name'>[]): string {
  const where = p.scope === 'global' ? 'Every inbox without its own policy' : `Inbox ${inboxes.find((i) => i.id === p.inboxId)?.name ?? p.inboxId}`;
  const what = p.action === 'delete' ? 'delete tickets' : p.action === 'anonymise' ? 'anonymise tickets' : 'delete the attachments of tickets';
  return `${where}: ${what} closed more than ${p.months} month${p.months === 1 ? '' : 's'} ago`;
}

// A global policy covers the inboxes that have no enabled policy of their own.
export function inboxesOf(policy: RetentionPolicy, policies: RetentionPolicy[], inboxes: Inbox[]): number[] {
  if (policy.scope === 'inbox') return policy.inboxId !== null ? [policy.inboxId] : [];
  const own = new Set(policies.filter((p) => p.enabled && p.scope === 'inbox').map((p) => p.inboxId));
  return inboxes.filter((i) => !own.has(i.id)).map((i) => i.id);
}

export interface RetentionPlan {
  policy: RetentionPolicy;
  description: string;
  cutoff: number;
  tickets: RetentionCandidate[];
  held: number;
  heldInboxes: number[];
  more: boolean;
}

// What a policy takes now: its inboxes' closed tickets past the cut-off, oldest first, less the
// ones a legal hold covers (the ticket, its requester, its inbox). A held inbox is not read.
export async function planPolicy(m: EntityManager, policy: RetentionPolicy, now: number, limit = MAX_PER_RUN): Promise<RetentionPlan> {
  const [policies, inboxes] = await Promise.all([retentionPolicyRepository.list(m), inboxRepository.list(m)]);
  const cutoff = cutoffOf(now, policy.months);
  const plan: RetentionPlan = { policy, description: describePolicy(policy, inboxes), cutoff, tickets: [], held: 0, heldInboxes: [], more: false };
  const ids = inboxesOf(policy, policies, inboxes);
  const inboxHolds = new Set((await legalHoldRepository.activeFor(m, { inboxIds: ids })).map((h) => h.targetId));
  for (const inboxId of ids) {
    if (inboxHolds.has(inboxId)) {
      plan.heldInboxes.push(inboxId);
      continue;
    }
    for (const state of STATES[policy.action]) {
      let after: Cursor | null = null;
      for (;;) {
        const page = await retentionRepository.candidates(m, { inboxId, state, before: cutoff, after, limit: PAGE });
        if (!page.length) break;
        const holds = await legalHoldRepository.activeFor(m, { ticketIds: page.map((c) => c.id), contactIds: page.map((c) => c.requesterId) });
        const heldTickets = new Set(holds.filter((h) => h.scope === 'ticket').map((h) => h.targetId));
        const heldContacts = new Set(holds.filter((h) => h.scope === 'contact').map((h) => h.targetId));
        for (const c of page) {
          if (heldTickets.has(c.id) || heldContacts.has(c.requesterId)) {
            plan.held++;
            continue;
          }
          if (plan.tickets.length >= limit) {
            plan.more = true;
            return plan;
          }
          plan.tickets.push(c);
        }
        if (page.length < PAGE) break;
        after = { at: page.at(-1)!.closedAt, id: page.at(-1)!.id };
      }
    }
  }
  return plan;
}
