import type { Audience } from '../db/entities';

// Domain events carry ids, not rows: whoever reacts loads what it needs and asks the policy.
export interface EventMap {
  'ticket.created': { ticketId: number };
  'ticket.updated': { ticketId: number; changes: string[] };
  'message.created': { ticketId: number; messageId: number; audience: Audience };
  'message.updated': { ticketId: number; messageId: number; audience: Audience };
  'agent.mentioned': { agentId: number; ticketId: number; messageId: number; byAgentId: number | null };
  // Fresher inbox counts are ready (published when a slow count pass ran behind the pages).
  'inbox.counts': Record<string, never>;
  'inbound.failed': { itemId: number; error: string };
  // An inbox was created or its settings changed (pollers and listeners follow it at once).
  'inbox.changed': { inboxId: number };
  // A session signed out (its sockets, on every node, are dropped). Carries the id's hash only.
  'session.ended': { sessionHash: string };
  // An agent was deactivated: every socket they have, session or API token, is dropped.
  'agent.deactivated': { agentId: number };
}

export type EventName = keyof EventMap;
export interface DomainEvent<K extends EventName = EventName> {
  name: K;
  payload: EventMap[K];
}
