import type { Inbox } from '../db/entities';
import type { IdentityInput } from '../db/repositories/contact.repository';

export interface InboundAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
  contentId?: string | null;
  inline?: boolean;
}

export interface InboundPerson extends IdentityInput {
  name?: string | null;
}

// The one shape every channel is normalised into (DESIGN §4).
export interface InboundMessage {
  channel: string;
  externalId?: string | null;
  // Conversation key on the platform: DM conversation, chat id, root post of a reply chain.
  threadKey?: string | null;
  // The platform id of the post or message this one answers (reply chains on social platforms).
  replyToExternalId?: string | null;
  // Email: this message's Message-ID and the ids it answers.
  emailMessageId?: string | null;
  inReplyTo?: string[];
  references?: string[];
  // A signed reply token found in a recipient address (support+<token>@…).
  replyToken?: string | null;
  author: InboundPerson;
  // false: nothing proves the author owns the identity (an anonymous web form that anyone can
  // fill in with anyone's e-mail). Such a message only ever opens a ticket of its own.
  verified?: boolean;
  // Other people on the conversation (email CC, group members who were addressed).
  participants?: InboundPerson[];
  subject?: string | null;
  text: string;
  // The whole text including quoted history and signature, when `text` was trimmed.
  fullText?: string | null;
  html?: string | null;
  attachments?: InboundAttachment[];
  audienceHint?: 'public' | 'private';
  receivedAt?: number;
  // Loop-guard facts found by the adapter.
  noise?: { autoReply?: boolean; bounce?: boolean; bulk?: boolean; loop?: boolean; echo?: boolean; reason?: string; bouncedMessageIds?: string[]; bounceReason?: string };
  // Our own message going out on the platform, seen again (echo): never a new customer message.
  flags?: Record<string, unknown>;
  // Set when the item is not a new post but changes the conversation (a reaction, an unsend,
  // someone joining a group): applied to the ticket by the apply-action step, never posted.
  action?: SocialAction;
}

export type SocialAction =
  // The author took back one of their earlier messages.
  | { kind: 'withdraw'; targetExternalId: string }
  // The author reacted to a message (emoji null: the reaction was removed).
  | { kind: 'reaction'; targetExternalId: string; emoji: string | null }
  // Something happened in the conversation (pinned, joined, left, blocked): a ticket event.
  | { kind: 'event'; event: string; detail: string; targetExternalId?: string | null; threadKeyPrefix?: string | null };

// A parser's answer for an item that carries nothing to store, with the reason for the ledger.
export interface IgnoredItem {
  ignore: string;
}

// What an adapter hands to the ledger: one raw item per message, with its idempotency key.
export interface RawItem {
  key: string;
  raw: string;
  rawType: string;
  // Archived mail imported after the fact (import:mbox): no SLA clock, no automatic answer, no notification.
  historic?: boolean;
}

// A parser turns one stored raw item back into messages; the ledger replays through it too.
export type ParseResult = InboundMessage | IgnoredItem | null;
export type RawParser = (raw: string, inbox: Inbox) => Promise<ParseResult> | ParseResult;

export interface ChannelAdapter {
  // The inbox channel kinds this adapter serves.
  channels: readonly string[];
  // rawType → parser for the items this adapter records.
  parsers: Record<string, RawParser>;
}
