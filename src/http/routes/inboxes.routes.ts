import type { Router } from 'express';
import { z } from 'zod';
import { inboxSchema } from '../presenters/schemas';
import { channelKindSchema } from '../../channels/channel-settings';
import { CLOSED_REPLIES } from '../../db/entities';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import { createInbox } from '../../inboxes/create-inbox';
import { updateInbox } from '../../inboxes/update-inbox';
import { ticketPolicy } from '../../policies/ticket.policy';
import type { Services } from '../../services';
import { presentInbox } from '../presenters/inbox.presenter';
import { defineRoute } from '../route';

const autoCloseDays = z.number().int().min(1).max(365).nullable().describe('Solved tickets close by themselves after this many days (null: never)');
const closedReplies = z.enum(CLOSED_REPLIES).describe('A customer reply to a closed ticket inside the follow-up window: `follow-up` opens a new ticket linked to it, `reopen` reopens it');

export function inboxesRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'post', path: '/api/inboxes', tag: 'inboxes', summary: 'Create an inbox; the answer shows its secret once',
    response: z.object({ inbox: inboxSchema }),
    body: z.object({
      name: z.string().min(1).max(100),
      channel: channelKindSchema,
      address: z.email().optional().describe('For e-mail inboxes: the support address'),
      settings: z.record(z.string(), z.unknown()).optional(),
      defaultTeamId: z.number().int().positive().nullable().optional(),
      followUpDays: z.number().int().min(1).max(3650).optional(),
      closedReplies: closedReplies.optional(),
      firstResponseMinutes: z.number().int().min(1).max(100_000).nullable().optional().describe('Adds an SLA policy for this inbox: new tickets are due this many minutes after they arrive (edit it under /api/sla-policies)'),
      calendarId: z.number().int().positive().nullable().optional().describe('Business-hour calendar its tickets\' SLA clocks count (a team calendar wins)'),
      autoCloseDays: autoCloseDays.optional(),
    }),
    authorize: ticketPolicy.manageInboxes,
    status: 201,
    handler: async ({ body }) => ({ inbox: presentInbox(await createInbox(s.db, s.now(), body), { withSecret: true }) }),
  });

  defineRoute(r, s, {
    method: 'get', path: '/api/inboxes', tag: 'inboxes', summary: 'List inboxes',
    response: z.object({ inboxes: z.array(inboxSchema) }),
    authorize: ticketPolicy.list,
    handler: async () => ({ inboxes: (await inboxRepository.list(s.db.m)).map((i) => presentInbox(i)) }),
  });

  defineRoute(r, s, {
    method: 'patch', path: '/api/inboxes/:id', tag: 'inboxes', summary: 'Change an inbox name, team, follow-up window, what a reply to a closed ticket does, round-robin, auto-close days or channel settings (applied at once, no restart)',
    response: z.object({ inbox: inboxSchema }),
    params: z.object({ id: z.coerce.number().int().positive() }),
    body: z.object({
      name: z.string().min(1).max(100).optional(), defaultTeamId: z.number().int().positive().nullable().optional(), followUpDays: z.number().int().min(1).max(3650).optional(), closedReplies: closedReplies.optional(), roundRobin: z.boolean().optional(), calendarId: z.number().int().positive().nullable().optional().describe('Business-hour calendar (null: wall-clock time)'),
      autoCloseDays: autoCloseDays.optional(),
      settings: z.record(z.string(), z.unknown()).optional().describe('Channel settings to change; each top-level key given replaces the stored one'),
    }),
    authorize: ticketPolicy.manageInboxes,
    handler: async ({ params, body }) => ({ inbox: presentInbox(await updateInbox(s.db, params.id, body)) }),
  });
}
