import { z } from 'zod';
import { AUDIENCES, PRIORITIES, TICKET_STATUSES } from '../../db/entities';

// The shapes the presenters answer with, for the OpenAPI document and for the tests, which check
// every answer of a route that declares one (see defineRoute's `response`). Objects are open:
// a presenter may add a field without breaking clients; removing or retyping one fails the suite.
const isoTime = z.string().describe('ISO 8601 time');
const id = z.number().int();

export const contactBriefSchema = z.object({
  id, name: z.string().nullable(), avatarUrl: z.string().nullable(), reputation: z.number(), followers: z.number().int().nullable(),
}).nullable();

export const agentBriefSchema = z.object({ id, name: z.string(), email: z.string() }).nullable();

export const ticketSchema = z.object({
  id, number: id, subject: z.string().nullable(), status: z.enum(TICKET_STATUSES), priority: z.enum(PRIORITIES),
  visibility: z.enum(['public', 'private']), channel: z.string(), inboxId: id, teamId: id.nullable(),
  requester: contactBriefSchema, assignee: agentBriefSchema, tags: z.array(z.string()), snippet: z.string().nullable(),
  messageCount: z.number().int(), mergedIntoId: id.nullable(), followUpOfId: id.nullable(), acceptedMessageId: id.nullable(),
  automatic: z.string().nullable().describe('why automatic mail opened it, or null'),
  firstResponseAt: isoTime.nullable(), solvedAt: isoTime.nullable(), slaDueAt: isoTime.nullable(),
  lastActivityAt: isoTime.nullable(), createdAt: isoTime.nullable(), updatedAt: isoTime.nullable(),
});

// What a customer or the public sees of a ticket.
export const publicTicketSchema = z.object({
  id, number: id, subject: z.string().nullable(), status: z.enum(TICKET_STATUSES), visibility: z.enum(['public', 'private']),
  acceptedMessageId: id.nullable(), requester: contactBriefSchema, createdAt: isoTime, lastActivityAt: isoTime,
});

export const attachmentSchema = z.object({
  id, filename: z.string(), contentType: z.string(), size: z.number().int(), sha256: z.string().nullable(), inline: z.boolean(), url: z.string(),
});

export const messageSchema = z.object({
  id, ticketId: id,
  author: z.object({ type: z.enum(['agent', 'contact', 'system']), id: id.nullable(), name: z.string(), color: z.string().optional(), reputation: z.number().optional() }),
  audience: z.enum(AUDIENCES), channel: z.string(), direction: z.enum(['inbound', 'outbound', 'internal']),
  text: z.string().nullable(), fullText: z.string().nullable(), html: z.string().nullable(), score: z.number(), hidden: z.boolean(),
  createdAt: isoTime.nullable(), withdrawn: z.boolean(), reactions: z.array(z.object({ name: z.string(), emoji: z.string() })),
  attachments: z.array(attachmentSchema),
  // Agents only:
  deliveryState: z.string().nullable().optional(), deliveryError: z.string().nullable().optional(),
  externalId: z.string().nullable().optional(), emailMessageId: z.string().nullable().optional(),
  flags: z.record(z.string(), z.unknown()).nullable().optional(),
  threadLink: z.object({ rule: z.string(), evidence: z.unknown() }).nullable().optional(),
});

export const ticketEventSchema = z.object({
  id, type: z.string(), actor: z.object({ type: z.string(), id: id.nullable() }), data: z.unknown(), createdAt: isoTime,
});

export const inboxSchema = z.object({
  id, name: z.string(), channel: z.string(), address: z.string().nullable(), settings: z.record(z.string(), z.unknown()),
  defaultTeamId: id.nullable(), followUpDays: z.number().int().nullable(), closedReplies: z.string(), roundRobin: z.boolean(),
  createdAt: isoTime, secret: z.string().optional().describe('shown once, when the inbox is created'),
});
