import { createHash } from 'node:crypto';
import type { Attachment, ChainAction, ChainSubject, Message, TicketEvent } from '../../db/entities';

// The hash chain's arithmetic, kept free of the database so an exported ticket file can be
// checked with nothing but these few lines (the export ships the same rules in its README).
//
// digest(row) = sha256 of the row's canonical JSON (keys sorted, no whitespace);
// link.hash   = sha256 of JSON [prevHash, ticketId, seq, subjectType, subjectId, action, digest, createdAt];
// the first link of a ticket has prevHash GENESIS.
export const GENESIS = '0'.repeat(64);

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

// JSON with object keys sorted at every depth: the same value always gives the same bytes,
// whatever order a driver or a JSON column hands the keys back in.
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export type ChainedMessage = Pick<Message, 'id' | 'authorType' | 'authorAgentId' | 'authorName' | 'channel' | 'direction' | 'audience' | 'text' | 'fullText' | 'html' | 'inboundItemId' | 'createdAt'>;
export type ChainedAttachment = Pick<Attachment, 'id' | 'filename' | 'contentType' | 'size' | 'sha256'>;

// What a message said and who said it. Left out on purpose: fields that change as designed
// after the message was written — delivery state, the ids a platform or the mailer assigns on
// sending (external id, Message-ID), hidden,
// score, flags, the ticket it sits in (merge, split) and the contact id (a contact merge
// re-points it to the same person's kept record; the author's name as received stays in).
export function messageContent(msg: ChainedMessage, attachments: ChainedAttachment[], rawSha: string | null) {
  return {
    type: 'message', id: Number(msg.id), authorType: msg.authorType, authorAgentId: msg.authorAgentId ?? null, authorName: msg.authorName ?? null,
    channel: msg.channel, direction: msg.direction, audience: msg.audience, text: msg.text, fullText: msg.fullText ?? null, html: msg.html ?? null,
    inboundItemId: msg.inboundItemId ?? null, raw: rawSha, createdAt: Number(msg.createdAt),
    attachments: [...attachments].sort((a, b) => a.id - b.id).map((a) => ({ id: Number(a.id), filename: a.filename, contentType: a.contentType, size: Number(a.size), sha256: a.sha256 })),
  };
}

export type ChainedEvent = Pick<TicketEvent, 'id' | 'ticketId' | 'type' | 'actorType' | 'actorId' | 'data' | 'cause' | 'createdAt'>;

export function eventContent(e: ChainedEvent) {
  return { type: 'event', id: Number(e.id), ticketId: Number(e.ticketId), event: e.type, actorType: e.actorType, actorId: e.actorId ?? null, data: e.data ?? null, cause: e.cause ?? null, createdAt: Number(e.createdAt) };
}

export function digestOf(content: unknown): string {
  return sha256Hex(canonicalJson(content));
}

export interface LinkFields {
  ticketId: number;
  seq: number;
  subjectType: ChainSubject;
  subjectId: number;
  action: ChainAction;
  digest: string;
  prevHash: string;
  createdAt: number;
}

export function linkHash(l: LinkFields): string {
  return sha256Hex(JSON.stringify([l.prevHash, Number(l.ticketId), Number(l.seq), l.subjectType, Number(l.subjectId), l.action, l.digest, Number(l.createdAt)]));
}
