import type { SlaPolicy, Ticket } from '../../db/entities';

export interface MatchFacts {
  ticket: Pick<Ticket, 'inboxId' | 'channel' | 'priority' | 'visibility'>;
  tags: string[];
  // The requester's reach (most followers over their identities); null when unknown.
  reach: number | null;
}

export function policyMatches(p: SlaPolicy, f: MatchFacts): boolean {
  const c = p.conditions ?? {};
  if (c.inboxIds?.length && !c.inboxIds.includes(f.ticket.inboxId)) return false;
  if (c.channels?.length && !c.channels.includes(f.ticket.channel)) return false;
  if (c.priorities?.length && !c.priorities.includes(f.ticket.priority)) return false;
  if (c.tags?.length && !c.tags.some((t) => f.tags.includes(t))) return false;
  if (c.minReach !== undefined && c.minReach !== null && (f.reach ?? 0) < c.minReach) return false;
  if (c.visibility && c.visibility !== f.ticket.visibility) return false;
  return true;
}

// Policies come ordered by position: the first enabled one that matches applies.
export function firstMatchingPolicy(policies: SlaPolicy[], f: MatchFacts): SlaPolicy | null {
  return policies.find((p) => p.enabled && policyMatches(p, f)) ?? null;
}

export const needsReach = (policies: SlaPolicy[]) => policies.some((p) => p.enabled && p.conditions?.minReach !== undefined && p.conditions?.minReach !== null);
export const needsTags = (policies: SlaPolicy[]) => policies.some((p) => p.enabled && !!p.conditions?.tags?.length);
