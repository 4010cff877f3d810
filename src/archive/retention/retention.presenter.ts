import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import type { Inbox, RetentionPolicy, RetentionRun } from '../../db/entities';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { describePolicy, type RetentionPlan } from './retention-plan';

const iso = (ms: number) => new Date(ms).toISOString();

export const policySchema = z.object({
  id: z.number(), scope: z.enum(['global', 'inbox']), inboxId: z.number().nullable(), months: z.number(),
  action: z.enum(['delete', 'anonymise', 'attachments']), enabled: z.boolean(), description: z.string(), createdAt: z.string(), updatedAt: z.string(),
});
export const runSchema = z.object({
  id: z.number(), policyId: z.number(), policy: z.string(), action: z.string(), startedAt: z.string(), finishedAt: z.string(),
  tickets: z.number(), messages: z.number(), attachments: z.number(), blobs: z.number(), held: z.number(), more: z.boolean(),
  ticketIds: z.array(z.number()), chainHeads: z.record(z.string(), z.string()).nullable(),
});
export const dryRunSchema = z.object({
  policyId: z.number(), description: z.string(), cutoff: z.string(), tickets: z.number(), held: z.number(), heldInboxes: z.array(z.number()), more: z.boolean(),
  first: z.array(z.object({ id: z.number(), subject: z.string(), inboxId: z.number(), closedAt: z.string() })),
});

export function presentPolicy(p: RetentionPolicy, inboxes: Inbox[]) {
  return { id: p.id, scope: p.scope, inboxId: p.inboxId, months: p.months, action: p.action, enabled: p.enabled, description: describePolicy(p, inboxes), createdAt: iso(p.createdAt), updatedAt: iso(p.updatedAt) };
}

export function presentRun(r: RetentionRun) {
  return {
    id: r.id, policyId: r.policyId, policy: r.policy, action: r.action, startedAt: iso(r.startedAt), finishedAt: iso(r.finishedAt),
    tickets: r.tickets, messages: r.messages, attachments: r.attachments, blobs: r.blobs, held: r.held, more: r.more, ticketIds: r.ticketIds ?? [], chainHeads: r.chainHeads,
  };
}

export const FIRST = 20;

// A dry run: how many tickets the policy would take now, and the first of them by subject.
export async function presentPlan(m: EntityManager, plan: RetentionPlan) {
  const first = await ticketRepository.findByIds(m, plan.tickets.slice(0, FIRST).map((c) => c.id));
  const subjects = new Map(first.map((t) => [t.id, t.subject]));
  return {
    policyId: plan.policy.id, description: plan.description, cutoff: iso(plan.cutoff), tickets: plan.tickets.length, held: plan.held, heldInboxes: plan.heldInboxes, more: plan.more,
    first: plan.tickets.slice(0, FIRST).map((c) => ({ id: c.id, subject: subjects.get(c.id) ?? '', inboxId: c.inboxId, closedAt: iso(c.closedAt) })),
  };
}

// "ids 12–15, 19, 40–41": a run's ticket ids as ranges for the admin page.
export function idRanges(ids: number[]): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    out.push(j > i ? `${sorted[i]}–${sorted[j]}` : String(sorted[i]));
    i = j;
  }
  return out.join(', ');
}
