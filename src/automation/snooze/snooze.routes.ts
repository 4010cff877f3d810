import type { Router } from 'express';
import { z } from 'zod';
import { agentOnly, backTo } from '../../agent-web/agent-page';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { presentTicketList } from '../../http/presenters/ticket.presenter';
import { defineRoute } from '../../http/route';
import { wantsJson } from '../../http/form-fields';
import { ticketPolicy } from '../../policies/ticket.policy';
import type { Services } from '../../services';
import { snoozeTicket, unsnoozeTicket } from '../../tickets/commands/snooze-ticket';
import { snoozeForm, snoozeUntil } from './snooze-time';

const idParams = z.object({ id: z.coerce.number().int().positive() });

async function presented(s: Services, id: number) {
  const t = await ticketRepository.resolve(s.db.m, id);
  return (await presentTicketList(s.db.m, [t!]))[0];
}

export function snoozeRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'post', path: '/api/tickets/:id/snooze', tag: 'tickets', summary: 'Snooze a ticket: out of the inbox views until a time or until the customer answers',
    params: idParams,
    body: z.object({
      until: z.union([z.iso.datetime({ offset: true }), z.literal('customer-answers')])
        .describe('An ISO 8601 time, or `customer-answers`. A customer\'s answer wakes a timed snooze too.'),
    }),
    authorize: ticketPolicy.act,
    handler: async ({ params, body, viewer }) => {
      const t = await snoozeTicket(s.commands, viewer, params.id, body.until === 'customer-answers' ? null : Date.parse(body.until));
      return { ticket: await presented(s, t.id) };
    },
  });

  defineRoute(r, s, {
    method: 'delete', path: '/api/tickets/:id/snooze', tag: 'tickets', summary: 'Bring a snoozed ticket back to the inbox views now',
    params: idParams,
    authorize: ticketPolicy.act,
    handler: async ({ params, viewer }) => {
      const woke = await unsnoozeTicket(s.commands, viewer, params.id);
      return { woke, ticket: await presented(s, params.id) };
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/tickets/:id/snooze', tag: 'pages', summary: 'Snooze the ticket from its page',
    form: true, params: idParams, body: snoozeForm,
    authorize: agentOnly,
    handler: async ({ req, res, params, body, viewer }) => {
      await snoozeTicket(s.commands, viewer, params.id, snoozeUntil(body.for, s.now(), { at: body.at, tz: body.tz }));
      if (wantsJson(req)) return { ticket: await presented(s, params.id) };
      return void res.redirect(303, backTo(req, `/tickets/${params.id}`));
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/tickets/:id/unsnooze', tag: 'pages', summary: 'End the snooze of the ticket from its page',
    form: true, params: idParams,
    authorize: agentOnly,
    handler: async ({ req, res, params, viewer }) => {
      await unsnoozeTicket(s.commands, viewer, params.id);
      if (wantsJson(req)) return { ticket: await presented(s, params.id) };
      return void res.redirect(303, backTo(req, `/tickets/${params.id}`));
    },
  });
}
