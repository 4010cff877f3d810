import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { agentLocale, agentOnly, backTo, renderAgent, type AgentViewer } from '../../agent-web/agent-page';
import { translate } from '../../i18n/i18n';
import { loadTicketPage } from '../../agent-web/ticket-view';
import { addAddressToContact } from '../../contacts/commands/add-address-to-contact';
import { PRIORITIES, TICKET_STATUSES } from '../../db/entities';
import { contactRepository } from '../../db/repositories/contact.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { customerLanguageView } from '../../i18n/language-view';
import { AppError, NotFoundError } from '../../errors';
import type { Services } from '../../services';
import { addNote } from '../../tickets/commands/add-note';
import { addReply, StaleReplyError } from '../../tickets/commands/add-reply';
import { addTag } from '../../tickets/commands/add-tag';
import { assign } from '../../tickets/commands/assign';
import { changePriority } from '../../tickets/commands/change-priority';
import { changeStatus } from '../../tickets/commands/change-status';
import { mentionAgents } from '../../tickets/commands/mention-agents';
import { mergeTicket } from '../../tickets/commands/merge-ticket';
import { removeTag } from '../../tickets/commands/remove-tag';
import { restoreTicket } from '../../tickets/commands/restore-ticket';
import { splitTicket } from '../../tickets/commands/split-ticket';
import { undoTicketEvent } from '../../tickets/commands/undo-ticket-event';
import { presentMessages } from '../presenters/message.presenter';
import { macroReport } from '../../automation/macros/macros-pages.routes';
import { idList, wantsJson } from '../form-fields';
import { defineRoute } from '../route';

const idParams = z.object({ id: z.coerce.number().int().positive() });

// What a macro applied from this page did (carried on the redirect back here).
function macroNotice(req: Request, locale: string) {
  const q = macroReport.parse(req.query ?? {});
  if (!q.macro || !q.outcome) return null;
  const text = translate(locale, `agent.ticket.${{ applied: 'macroApplied', partly: 'macroPartly', unchanged: 'macroUnchanged', refused: 'macroRefused' }[q.outcome]}`);
  return { name: q.macro, text, reason: q.reason ?? null, warn: q.outcome !== 'applied' };
}
const MAX_FILES = 20;
const idOrNone = z.string().regex(/^(|none|\d+)$/).optional().transform((v) => (v === undefined || v === '' ? undefined : v === 'none' ? null : Number(v)));

async function page(s: Services, req: Request, res: Response, id: number, extra: Record<string, unknown> = {}, status = 200) {
  const t = await ticketRepository.resolve(s.db.m, id);
  if (!t) throw new NotFoundError(`Ticket #${id}`);
  if (t.id !== id && status === 200) return void res.redirect(303, `/tickets/${t.id}`);
  const locale = agentLocale(req);
  const data = await loadTicketPage(s.db.m, req.viewer as AgentViewer, t, s.now(), locale);
  // The requester's language, which an agent may override from here as on the contact page.
  const requester = await contactRepository.findById(s.db.m, t.requesterId);
  const customerLanguage = requester ? await customerLanguageView(s.db.m, requester, t.id, locale) : null;
  return renderAgent(s, req, res, 'pages/agent/ticket', {
    title: `#${t.id} ${t.subject}`, nav: { inbox: true }, ...data, statuses: TICKET_STATUSES.map((x) => ({ value: x, selected: x === t.status })),
    priorities: PRIORITIES.map((x) => ({ value: x, selected: x === t.priority })), target: t.visibility === 'public' ? 'public' : 'participants',
    scripts: ['/static/agent-ticket.js'], macroNotice: macroNotice(req, locale), customerLanguage, ...extra,
  }, status);
}

export function agentTicketPages(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/tickets/:id', tag: 'pages', summary: 'The ticket page: whole thread, composer, requester profile, controls, presence',
    params: idParams,
    authorize: agentOnly,
    handler: ({ req, res, params }) => page(s, req, res, params.id),
  });

  // The composer: one form for the three targets. Works as a plain multipart form; the page
  // script posts the same form with Accept: application/json.
  defineRoute(r, s, {
    method: 'post', path: '/tickets/:id/compose', tag: 'pages', summary: 'Reply publicly, reply to participants or add a staff note (files allowed)',
    form: true,
    params: idParams,
    body: z.object({
      target: z.enum(['public', 'participants', 'note']),
      text: z.string().max(200_000).default(''),
      status: z.union([z.literal(''), z.enum(TICKET_STATUSES)]).optional(),
      lastSeenMessageId: z.coerce.number().int().min(0).optional(),
      force: z.enum(['1', 'true']).optional(),
    }),
    authorize: agentOnly,
    handler: async ({ req, res, params, body, viewer }) => {
      const v = viewer as AgentViewer;
      const files = (req.files ?? []).filter((f) => f.field === 'attachments').slice(0, MAX_FILES).map(({ filename, contentType, content }) => ({ filename, contentType, content }));
      const draft = { text: body.text, target: body.target };
      try {
        if (!body.text.trim()) throw new AppError(422, 'validation_failed', body.target === 'note' ? 'A note needs text.' : 'A reply needs text.', { fields: { text: ['Write something first.'] } });
        const msg = body.target === 'note'
          ? await addNote(s.commands, v, params.id, { text: body.text, attachments: files })
          : await addReply(s.commands, v, params.id, { audience: body.target, text: body.text, attachments: files, status: body.status || undefined, lastSeenMessageId: body.lastSeenMessageId, force: !!body.force });
        if (body.status && body.target === 'note') await changeStatus(s.commands, v, params.id, body.status);
        await mentionAgents({ ...s.commands, publicUrl: s.config.publicUrl }, v, msg.ticketId, msg.id, body.text);
        if (wantsJson(req)) {
          const [presented] = await presentMessages(s.db.m, v, [msg]);
          res.status(201).json({ message: presented });
          return;
        }
        return void res.redirect(303, `/tickets/${msg.ticketId}#m-${msg.id}`);
      } catch (err) {
        if (wantsJson(req) || !(err instanceof AppError) || err.status >= 500) throw err;
        // No script: show the page again with the draft kept and, for a stale reply, what is new.
        const stale = err instanceof StaleReplyError ? { newer: (err.details as { newer: { id: number; text: string }[] }).newer } : null;
        return page(s, req, res, params.id, { draft, stale, composerError: stale ? null : err.message }, err.status);
      }
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/tickets/:id/update', tag: 'pages', summary: 'Change status, priority, assignee or team from the sidebar',
    form: true,
    params: idParams,
    body: z.object({ status: z.enum(TICKET_STATUSES).optional(), priority: z.enum(PRIORITIES).optional(), assignee: idOrNone, team: idOrNone }),
    authorize: agentOnly,
    handler: async ({ req, res, params, body, viewer }) => {
      if (body.assignee !== undefined || body.team !== undefined) await assign(s.commands, viewer, params.id, { agentId: body.assignee, teamId: body.team });
      if (body.priority) await changePriority(s.commands, viewer, params.id, body.priority);
      if (body.status) await changeStatus(s.commands, viewer, params.id, body.status);
      if (wantsJson(req)) return { ok: true };
      return void res.redirect(303, backTo(req, `/tickets/${params.id}`));
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/tickets/:id/restore', tag: 'pages', summary: 'Restore a ticket opened by automatic mail to the inbox',
    form: true,
    params: idParams,
    authorize: agentOnly,
    handler: async ({ res, params, viewer }) => {
      await restoreTicket(s.commands, viewer, params.id);
      return void res.redirect(303, `/tickets/${params.id}`);
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/tickets/:id/tags', tag: 'pages', summary: 'Add or remove a tag from the sidebar',
    form: true,
    params: idParams,
    body: z.object({ tag: z.string().trim().min(1, 'Type a tag').max(100), remove: z.enum(['1']).optional(), public: z.enum(['0', '1']).optional() }),
    authorize: agentOnly,
    handler: async ({ req, res, params, body, viewer }) => {
      if (body.remove) await removeTag(s.commands, viewer, params.id, body.tag);
      else await addTag(s.commands, viewer, params.id, body.tag, { public: body.public === undefined ? undefined : body.public === '1' });
      return void res.redirect(303, backTo(req, `/tickets/${params.id}`));
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/tickets/:id/merge', tag: 'pages', summary: 'Merge this ticket into another (undoable from the history)',
    form: true,
    params: idParams,
    body: z.object({ intoId: z.string().trim().regex(/^#?\d+$/, 'Give the number of the ticket to merge into').transform((x) => Number(x.replace('#', ''))) }),
    authorize: agentOnly,
    handler: async ({ res, params, body, viewer }) => {
      const { targetId } = await mergeTicket(s.commands, viewer, params.id, body.intoId);
      return void res.redirect(303, `/tickets/${targetId}`);
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/tickets/:id/split', tag: 'pages', summary: 'Split the selected messages out to a new ticket (undoable)',
    form: true,
    params: idParams,
    body: z.object({ messageIds: idList().pipe(z.array(z.number()).min(1, 'Select the messages to split out').max(500)) }),
    authorize: agentOnly,
    handler: async ({ res, params, body, viewer }) => {
      const { newTicketId } = await splitTicket(s.commands, viewer, params.id, body.messageIds);
      return void res.redirect(303, `/tickets/${newTicketId}`);
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/tickets/:id/messages/:messageId/retry', tag: 'pages', summary: 'Send a failed outbound message again',
    form: true,
    params: z.object({ id: z.coerce.number().int().positive(), messageId: z.coerce.number().int().positive() }),
    authorize: agentOnly,
    handler: async ({ res, params }) => {
      await s.outbox.retryMessage(params.messageId);
      return void res.redirect(303, `/tickets/${params.id}#m-${params.messageId}`);
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/tickets/:id/messages/:messageId/add-address', tag: 'pages', summary: 'Add the new address a reply came from to the contact it answered for',
    form: true,
    params: z.object({ id: z.coerce.number().int().positive(), messageId: z.coerce.number().int().positive() }),
    authorize: agentOnly,
    handler: async ({ res, params, viewer }) => {
      await addAddressToContact(s.commands, viewer as AgentViewer, params.id, params.messageId);
      return void res.redirect(303, `/tickets/${params.id}#m-${params.messageId}`);
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/tickets/:id/events/:eventId/undo', tag: 'pages', summary: 'Undo a merge or split from the ticket history',
    form: true,
    params: z.object({ id: z.coerce.number().int().positive(), eventId: z.coerce.number().int().positive() }),
    authorize: agentOnly,
    handler: async ({ res, params, viewer }) => {
      const { ticketId } = await undoTicketEvent(s.commands, viewer, params.id, params.eventId);
      return void res.redirect(303, `/tickets/${ticketId}`);
    },
  });
}
