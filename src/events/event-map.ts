import type { Audience, Direction, EventCause } from '../db/entities';

export type { SlaTarget as SlaTargetName } from '../db/entities/sla-policy.entity';
import type { SlaTarget as SlaTargetName } from '../db/entities/sla-policy.entity';

// Domain events carry ids, not rows: whoever reacts loads what it needs and asks the policy.
export interface EventMap {
  'ticket.created': { ticketId: number };
  // `cause`: the rule or macro that made the change (automation skips its own changes by it).
  'ticket.updated': { ticketId: number; changes: string[]; cause?: EventCause };
  // `channel` and `direction` are the message's own: a listener that wants only some messages
  // (inbound social posts) decides from the event without reading the message.
  'message.created': { ticketId: number; messageId: number; audience: Audience; channel: string; direction: Direction; cause?: EventCause };
  'message.updated': { ticketId: number; messageId: number; audience: Audience };
  'agent.mentioned': { agentId: number; ticketId: number; messageId: number; byAgentId: number | null };
  // A snoozed ticket came back (its time came, or the customer answered): its assignee is told.
  'ticket.woke': { ticketId: number; agentId: number; reason: 'time' | 'customer' };
  // Fresher inbox counts are ready (published when a slow count pass ran behind the pages).
  'inbox.counts': Record<string, never>;
  'inbound.failed': { itemId: number; error: string };
  // An inbox was created or its settings changed (pollers and listeners follow it at once).
  'inbox.changed': { inboxId: number };
  // A business calendar was created, changed or removed (due times computed from it may move).
  'calendar.changed': { calendarId: number };
  // An SLA target of a ticket is close to its due time (warning) or past it (breached); each
  // fires once per ticket, target and due time, from the once-per-cluster SLA sweep.
  'sla.warning': { ticketId: number; policyId: number; policyName: string; target: SlaTargetName; dueAt: number };
  'sla.breached': { ticketId: number; policyId: number; policyName: string; target: SlaTargetName; dueAt: number };
  // A session signed out (its sockets, on every node, are dropped). Carries the id's hash only.
  'session.ended': { sessionHash: string };
  // An agent's name, role, availability (away) or cap changed.
  'agent.updated': { agentId: number; changes: string[] };
  // An agent was deactivated: every socket they have, session or API token, is dropped.
  'agent.deactivated': { agentId: number };
  // The requester rated the help they got (ratingId: the survey), changed their rating or added a comment.
  'csat.received': { ticketId: number; ratingId: number; score: number; comment: string | null; previousScore?: number | null };
  // A bell notification was written for an agent (in the change's own transaction).
  'notification.created': { agentId: number; notificationId: number };
  // An agent read one or all of their notifications (their other tabs follow).
  'notification.read': { agentId: number; ids: number[] | 'all' };
  // A committed change queued outbox rows (published once per transaction, after its commit, by
  // db/transaction.ts whenever outboxRepository.enqueue ran in it): this node's worker claims at
  // once instead of at its next poll. Other nodes' workers find the rows by their poll.
  'outbox.enqueued': Record<string, never>;
  // A solve asked for a satisfaction survey (sent at once after the commit when it has no delay).
  'csat.scheduled': { ticketId: number; surveyId: number };
  // A listening stream found a post not stored before (streamId: the stream that found it first).
  'listening.item.created': { itemId: number; streamId: number };
  // A stored post changed: another stream matched it too, it became a ticket, it was dismissed…
  'listening.item.updated': { itemId: number; changes: string[] };
  // A stream's poll finished (its last poll time, error and counts changed).
  'listening.stream.polled': { streamId: number; found: number; error: string | null };
  // An admin created, changed or deleted a stream.
  'listening.stream.changed': { streamId: number };
}

export type EventName = keyof EventMap;
export interface DomainEvent<K extends EventName = EventName> {
  name: K;
  payload: EventMap[K];
}
