import type { EntityManager } from 'typeorm';
import { contactRepository } from '../db/repositories/contact.repository';

// What other members' judgement is worth to a post's author (documented in the README). A vote
// taken back or changed takes its weight back exactly; nothing is clamped, so voting and
// un-voting can never mint reputation. Agents' posts are votable but earn nothing.
export const REPUTATION = { upvote: 10, downvote: -2, accepted: 15 } as const;

export function voteWeight(value: number): number {
  return value > 0 ? REPUTATION.upvote : value < 0 ? REPUTATION.downvote : 0;
}

// The change a vote makes, from the voter's previous vote on the post to the new one.
export function voteDelta(previous: number, next: number): number {
  return voteWeight(next) - voteWeight(previous);
}

export async function addReputation(m: EntityManager, contactId: number | null, by: number): Promise<void> {
  if (contactId && by) await contactRepository.addReputation(m, contactId, by);
}
