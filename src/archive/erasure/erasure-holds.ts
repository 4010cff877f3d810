import type { EntityManager } from 'typeorm';
import { type HoldTargets, legalHoldRepository } from '../../db/repositories/legal-hold.repository';

// The reason an erasure must wait, naming the holds in the way; null when none applies.
export async function holdsBlocking(m: EntityManager, q: HoldTargets): Promise<string | null> {
  const holds = await legalHoldRepository.activeFor(m, q);
  if (!holds.length) return null;
  const what = holds.map((h) => `hold #${h.id} on ${h.scope} ${h.scope === 'ticket' ? '#' : ''}${h.targetId} (${h.reason})`).join('; ');
  return `Under legal hold: ${what}. Lift the hold before erasing.`.slice(0, 500);
}
