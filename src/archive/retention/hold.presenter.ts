import type { EntityManager } from 'typeorm';
import type { LegalHold } from '../../db/entities';
import { agentRepository } from '../../db/repositories/agent.repository';
import { z } from 'zod';

export const holdSchema = z.object({
  id: z.number(), scope: z.enum(['ticket', 'contact', 'inbox']), targetId: z.number(), reason: z.string(), active: z.boolean(),
  createdBy: z.number().nullable(), createdByName: z.string().nullable(), createdAt: z.string(),
  releasedAt: z.string().nullable(), releasedBy: z.number().nullable(), releasedByName: z.string().nullable(), releaseReason: z.string().nullable(),
});
export type PresentedHold = z.infer<typeof holdSchema>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export async function presentHolds(m: EntityManager, holds: LegalHold[]): Promise<PresentedHold[]> {
  const names = new Map((await agentRepository.list(m)).map((a) => [a.id, a.name]));
  const name = (id: number | null) => (id === null ? null : names.get(id) ?? `agent ${id}`);
  return holds.map((h) => ({
    id: h.id, scope: h.scope, targetId: h.targetId, reason: h.reason, active: h.releasedAt === null,
    createdBy: h.createdBy, createdByName: name(h.createdBy), createdAt: iso(h.createdAt)!,
    releasedAt: iso(h.releasedAt), releasedBy: h.releasedBy, releasedByName: name(h.releasedBy), releaseReason: h.releaseReason,
  }));
}

export const SCOPE_LABELS: Record<string, string> = { ticket: 'Ticket', contact: 'Contact (all their tickets)', inbox: 'Inbox (all its tickets)' };
export const targetPath = (h: { scope: string; targetId: number }) => (h.scope === 'ticket' ? `/tickets/${h.targetId}` : h.scope === 'contact' ? `/contacts/${h.targetId}` : `/admin/inboxes`);
