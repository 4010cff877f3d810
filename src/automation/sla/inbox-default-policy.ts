import type { EntityManager } from 'typeorm';
import { slaPolicyRepository } from '../../db/repositories/sla.repository';

// An inbox created with a first-response target gets the policy the old per-inbox minutes
// meant (same as the data migration): its tickets, wall-clock time, tried after the others.
export async function addInboxFirstResponsePolicy(m: EntityManager, inbox: { id: number; name: string }, minutes: number, now: number): Promise<number> {
  return slaPolicyRepository.insert(m, {
    name: `First response: ${inbox.name} #${inbox.id}`.slice(0, 200), position: (await slaPolicyRepository.maxPosition(m)) + 1, enabled: true,
    conditions: { inboxIds: [inbox.id] }, firstResponseMinutes: minutes, nextResponseMinutes: null, resolutionMinutes: null,
    warnBeforeMinutes: 0, businessHours: false, createdAt: now, updatedAt: now,
  });
}
