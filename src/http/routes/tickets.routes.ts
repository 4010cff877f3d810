import type { Router } from 'express';
import { z } from 'zod';
import { messageSchema, publicTicketSchema, ticketEventSchema, ticketSchema } from '../presenters/schemas';
import { PRIORITIES, TICKET_STATUSES } from '../../db/entities';
import { messageRepository } from '../../db/repositories/message.repository';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { contactRepository } from '../../db/repositories/contact.repository';
import { ValidationError } from '../../errors';
import { visibleMessages } from '../../policies/audience.policy';
import { loadTicketAccess } from '../../policies/ticket-access';
import { ticketPolicy } from '../../policies/ticket.policy';
import type { Services } from '../../services';
import { addNote } from '../../tickets/commands/add-note';
import { addReply } from '../../tickets/commands/add-reply';
import { addTag } from '../../tickets/commands/add-tag';
import { assign } from '../../tickets/commands/assign';
import { changePriority } from '../../tickets/commands/change-priority';
import { changeStatus } from '../../tickets/commands/change-status';
import { createTicket } from '../../tickets/commands/create-ticket';
import { mentionAgents } from '../../tickets/commands/mention-agents';
import { removeTag } from '../../tickets/commands/remove-tag';
import { restoreTicket } from '../../tickets/commands/restore-ticket';
import { presentMessages } from '../presenters/message.presenter';
import { presentContactBrief, presentTicketList } from '../presenters/ticket.presenter';
import { defineRoute } from '../route';

const idParams = z.object({ id: z.coerce.number().int().positive() });
const attachments = z.array(z.object({ filename: z.string().min(1).max(255), contentType: z.string().default('application/octet-stream'), contentBase64: z.string().min(1) })).max(20).optional();
const decodeFiles = (a?: { filename: string; contentType: string; contentBase64: string }[]) =>
  a?.map((f) => ({ filename: f.filename, contentType: f.contentType, content: Buffer.from(f.contentBase64, 'base64') }));

export function encodeCursor(t: { lastActivityAt: number; id: number }): string {
  return Buffer.from(`${t.lastActivityAt}:${t.id}`).toString('base64url');
}
export function decodeCursor(c: string): { at: number; id: number } {
  const m = /^(\d+):(\d+)$/.exec(Buffer.from(c, 'base64url').toString());
  if (!m) throw new ValidationError('The cursor is not valid; use the nextCursor of a previous page.', { fields: { cursor: ['invalid'] } });
  return { at: Number(m[1]), id: Number(m[2]) };
}

export const ticketListQuery = z.object({
  status: z.string().optional().transform((s) => s?.split(',').filter(Boolean)).pipe(z.array(z.enum(TICKET_STATUSES)).optional()),
  assignee: z.union([z.literal('none'), z.literal('me'), z.coerce.number().int().positive()]).optional(),
  team: z.coerce.number().int().positive().optional(),
  inbox: z.coerce.number().int().positive().optional(),
  channel: z.string().max(40).optional(),
  tag: z.string().max(100).optional(),
  visibility: z.enum(['public', 'private']).optional(),
  requester: z.coerce.number().int().positive().optional(),
  // Tickets opened by automatic mail are left out like in the inbox; `only` lists just them.
  automatic: z.enum(['only', 'include']).optional(),
  // Snoozed tickets are listed unless `exclude` (as the inbox views do); `only` lists just them.
  snoozed: z.enum(['only', 'exclude']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export function ticketsRoutes(r: Router, s: Services): void {
  const deps = s.commands;

  defineRoute(r, s, {
    method: 'get', path: '/api/tickets', tag: 'tickets', summary: 'List tickets, newest activity first, with filters and cursor pagination',
    response: z.object({ tickets: z.array(ticketSchema), nextCursor: z.string().nullable() }),
    query: ticketListQuery,
    authorize: ticketPolicy.list,
    handler: async ({ query, viewer }) => {
      const assigneeId = query.assignee === 'none' ? null : query.assignee === 'me' ? (viewer.kind === 'agent' ? viewer.agentId : undefined) : query.assignee;
      const rows = await ticketRepository.list(s.db.m, {
        status: query.status, assigneeId, teamId: query.team, inboxId: query.inbox, channel: query.channel, tag: query.tag,
        visibility: query.visibility, requesterId: query.requester, automatic: query.automatic === 'include' ? undefined : query.automatic === 'only',
        snoozed: query.snoozed === undefined ? undefined : query.snoozed === 'only',
      }, query.limit + 1, query.cursor ? decodeCursor(query.cursor) : undefined);
      const page = rows.slice(0, query.limit);
      return { tickets: await presentTicketList(s.db.m, page), nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]) : null };
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/tickets', tag: 'tickets', summary: 'Open a ticket on behalf of a contact',
    response: z.object({ ticket: ticketSchema }),
    body: z.object({
      inboxId: z.number().int().positive(),
      subject: z.string().min(1).max(250),
      requester: z.object({
        contactId: z.number().int().positive().optional(),
        email: z.email().optional(),
        name: z.string().max(200).optional(),
      }).refine((x) => x.contactId || x.email, { message: 'Give contactId or email' }),
      visibility: z.enum(['public', 'private']).optional(),
      priority: z.enum(PRIORITIES).optional(),
      tags: z.array(z.string().min(1).max(100)).max(50).optional(),
      message: z.object({ text: z.string().min(1).max(200_000), html: z.string().optional(), audience: z.enum(['public', 'participants', 'staff']).default('participants') }).optional(),
    }),
    authorize: ticketPolicy.act,
    status: 201,
    handler: async ({ body, viewer }) => {
      const t = await createTicket(deps, viewer as never, {
        inboxId: body.inboxId, subject: body.subject, visibility: body.visibility, priority: body.priority, tags: body.tags, message: body.message,
        requester: body.requester.contactId ? { contactId: body.requester.contactId } : { identity: { kind: 'email', value: body.requester.email!, name: body.requester.name } },
      });
      // Read back: the commit hooks (SLA due time) set columns after the command loaded it.
      const [presented] = await presentTicketList(s.db.m, [(await ticketRepository.findById(s.db.m, t.id)) ?? t]);
      return { ticket: presented };
    },
  });

  // One endpoint for every audience: agents, participants and the public each get what the policy allows.
  defineRoute(r, s, {
    method: 'get', path: '/api/tickets/:id', tag: 'tickets', summary: 'A ticket with the messages the caller may see',
    response: z.union([z.object({ ticket: ticketSchema, participants: z.array(z.object({ contactId: z.number().int(), role: z.string() })), messages: z.array(messageSchema), events: z.array(ticketEventSchema) }), z.object({ ticket: publicTicketSchema, messages: z.array(messageSchema) })]).describe('agents get the ticket with participants and events; customers and the public what the audience policy shows them'),
    params: idParams,
    authorize: () => true,
    handler: async ({ params, viewer }) => {
      const { ticket, facts } = await loadTicketAccess(s.db.m, viewer, params.id);
      const messages = visibleMessages(viewer, facts, await messageRepository.listByTicket(s.db.m, ticket.id));
      const presented = await presentMessages(s.db.m, viewer, messages);
      if (viewer.kind !== 'agent') {
        const requester = await contactRepository.findById(s.db.m, ticket.requesterId);
        return {
          ticket: { id: ticket.id, number: ticket.id, subject: ticket.subject, status: ticket.status, visibility: ticket.visibility, acceptedMessageId: ticket.acceptedMessageId,
            requester: presentContactBrief(requester ?? undefined), createdAt: new Date(ticket.createdAt).toISOString(), lastActivityAt: new Date(ticket.lastActivityAt).toISOString() },
          messages: presented,
        };
      }
      const [summary] = await presentTicketList(s.db.m, [ticket]);
      const participants = await ticketRepository.participants(s.db.m, ticket.id);
      const events = await ticketEventRepository.listByTicket(s.db.m, ticket.id);
      return {
        ticket: summary,
        participants: participants.map((p) => ({ contactId: p.contactId, role: p.role })),
        messages: presented,
        events: events.map((e) => ({ id: e.id, type: e.type, actor: { type: e.actorType, id: e.actorId }, data: e.data, createdAt: new Date(e.createdAt).toISOString() })),
      };
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/tickets/:id/replies', tag: 'tickets', summary: 'Reply to the requester (participants) or publicly',
    response: z.object({ message: messageSchema }),
    params: idParams,
    body: z.object({
      text: z.string().min(1, 'A reply needs text').max(200_000), html: z.string().max(1_000_000).optional(),
      audience: z.enum(['public', 'participants']).default('participants'), status: z.enum(TICKET_STATUSES).optional(),
      lastSeenMessageId: z.number().int().min(0).optional(), force: z.boolean().optional(), attachments,
    }),
    authorize: ticketPolicy.act,
    status: 201,
    handler: async ({ params, body, viewer }) => {
      const msg = await addReply(deps, viewer as never, params.id, { ...body, attachments: decodeFiles(body.attachments) });
      // An @mention from the API reaches the agent as one from the composer does.
      await mentionAgents({ ...deps, publicUrl: s.config.publicUrl }, viewer, msg.ticketId, msg.id, body.text);
      const [presented] = await presentMessages(s.db.m, viewer, [msg]);
      return { message: presented };
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/tickets/:id/notes', tag: 'tickets', summary: 'Add a staff note (agents only, never delivered)',
    response: z.object({ message: messageSchema }),
    params: idParams,
    body: z.object({ text: z.string().min(1, 'A note needs text').max(200_000), html: z.string().max(1_000_000).optional(), attachments }),
    authorize: ticketPolicy.addNote,
    status: 201,
    handler: async ({ params, body, viewer }) => {
      const msg = await addNote(deps, viewer as never, params.id, { ...body, attachments: decodeFiles(body.attachments) });
      await mentionAgents({ ...deps, publicUrl: s.config.publicUrl }, viewer, msg.ticketId, msg.id, body.text);
      const [presented] = await presentMessages(s.db.m, viewer, [msg]);
      return { message: presented };
    },
  });

  defineRoute(r, s, {
    method: 'patch', path: '/api/tickets/:id', tag: 'tickets', summary: 'Change status, priority, assignee or team',
    response: z.object({ ticket: ticketSchema }), errors: [409],
    params: idParams,
    body: z.object({
      status: z.enum(TICKET_STATUSES).optional(), priority: z.enum(PRIORITIES).optional(),
      assigneeId: z.number().int().positive().nullable().optional(), teamId: z.number().int().positive().nullable().optional(),
    }).refine((b) => Object.keys(b).length > 0, { message: 'Give at least one of status, priority, assigneeId, teamId' }),
    authorize: ticketPolicy.act,
    handler: async ({ params, body, viewer }) => {
      if (body.assigneeId !== undefined || body.teamId !== undefined) await assign(deps, viewer, params.id, { agentId: body.assigneeId, teamId: body.teamId });
      if (body.priority) await changePriority(deps, viewer, params.id, body.priority);
      if (body.status) await changeStatus(deps, viewer, params.id, body.status);
      const t = await ticketRepository.resolve(s.db.m, params.id);
      const [presented] = await presentTicketList(s.db.m, [t!]);
      return { ticket: presented };
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/tickets/:id/restore', tag: 'tickets', summary: 'Restore a ticket opened by automatic mail to the inbox',
    response: z.object({ restored: z.boolean(), ticket: ticketSchema }),
    params: idParams,
    authorize: ticketPolicy.act,
    handler: async ({ params, viewer }) => {
      const { restored } = await restoreTicket(deps, viewer, params.id);
      const t = await ticketRepository.resolve(s.db.m, params.id);
      const [presented] = await presentTicketList(s.db.m, [t!]);
      return { restored, ticket: presented };
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/tickets/:id/tags', tag: 'tickets', summary: 'Add a tag (staff-only unless public: a community topic shown on customer and public pages)',
    response: z.object({ tags: z.array(z.string()), publicTags: z.array(z.string()) }),
    params: idParams, body: z.object({ tag: z.string().min(1).max(100), public: z.boolean().optional() }),
    authorize: ticketPolicy.act,
    handler: async ({ params, body, viewer }) => {
      await addTag(deps, viewer, params.id, body.tag, { public: body.public });
      const details = (await ticketRepository.tagDetailsOf(s.db.m, [params.id])).get(params.id) ?? [];
      return { tags: details.map((d) => d.tag), publicTags: details.filter((d) => d.isPublic).map((d) => d.tag) };
    },
  });

  defineRoute(r, s, {
    method: 'delete', path: '/api/tickets/:id/tags/:tag', tag: 'tickets', summary: 'Remove a tag',
    response: z.object({ tags: z.array(z.string()) }),
    params: z.object({ id: z.coerce.number().int().positive(), tag: z.string().min(1).max(100) }),
    authorize: ticketPolicy.act,
    handler: async ({ params, viewer }) => {
      await removeTag(deps, viewer, params.id, params.tag);
      return { tags: (await ticketRepository.tagsOf(s.db.m, [params.id])).get(params.id) ?? [] };
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/messages/:id/retry', tag: 'tickets', summary: 'Retry the failed deliveries of an outbound message',
    response: z.object({ requeued: z.number().int() }),
    params: idParams,
    authorize: ticketPolicy.act,
    handler: async ({ params }) => ({ requeued: await s.outbox.retryMessage(params.id) }),
  });

}
