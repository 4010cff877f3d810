import type { InboundMessage } from '../channels/inbound-message';
import type { InboundItem, Inbox, ThreadRule, Ticket } from '../db/entities';
import type { Db } from '../db/transaction';
import type { DomainEvent } from '../events/event-map';
import type { Logger } from '../logger';
import type { ParserRegistry } from './parser-registry';

export interface IngestDeps {
  db: Db;
  parsers: ParserRegistry;
  secret: string;
  logger: Logger;
  now: () => number;
  // How long a claim keeps other workers off a row (see CHORUS_INGEST_LEASE_MS).
  leaseMs?: number;
  onOutcome?: (channel: string, outcome: string) => void;
}

// What the steps know about one ledger item as it moves through the pipeline.
export interface IngestContext {
  item: InboundItem;
  inbox: Inbox;
  msg?: InboundMessage;
  authorContactId?: number;
  participantContactIds: number[];
  ticket?: Ticket | null;
  // followUpOfId: a new ticket linked to this one. reopenClosed: the cause, when a customer's
  // reply reopens a closed ticket (the inbox reopens closed tickets).
  thread?: { rule: ThreadRule; evidence: string | null; followUpOfId?: number | null; reopenClosed?: string };
  messageId?: number;
  // A delivery report about one of our outbound messages: kept as a staff message on its ticket.
  bounceOf?: { ticketId: number; messageId: number };
  // The reason, when automatic mail with no ticket of its own opens one flagged "automatic".
  automatic?: string | null;
  // An agent forwarded a customer's mail: who (for the thread link) and what they wrote (a staff note).
  forwardedBy?: { agentId: number; label: string; note: string };
  // Card numbers the inbox masked in this message, and the raw item rewritten without them
  // (worked out before the item's transaction; persist stores it).
  masked?: { cards: string[]; raw: string; rebuilt: boolean };
  // Set by a step that ends the item early: the ledger state and why.
  outcome?: { state: 'processed' | 'ignored'; note?: string };
  events: DomainEvent[];
}

// A step returns 'stop' when the item needs no further steps (duplicate, noise, bounce).
export type Step = (ctx: IngestContext, deps: IngestDeps) => Promise<void | 'stop'>;
