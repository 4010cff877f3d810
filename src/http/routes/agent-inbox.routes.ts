import { findCommunityInboxId } from '../../agent-web/channel-icons';
import type { Request, Router } from 'express';
import { z } from 'zod';
import { agentLocale, agentOnly, backTo, renderAgent, type AgentViewer } from '../../agent-web/agent-page';
import { translate } from '../../i18n/i18n';
import { filtersOf, inboxHref, inboxQuery, VIEWS, type InboxQuery } from '../../agent-web/inbox-query';
import { loadCounts, loadSidebar, totalOf, totalText } from '../../agent-web/inbox-sidebar';
import { toRow } from '../../agent-web/ticket-row';
import { TICKET_STATUSES } from '../../db/entities';
import { agentRepository } from '../../db/repositories/agent.repository';
import { savedViewRepository } from '../../db/repositories/saved-view.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { AppError } from '../../errors';
import type { Services } from '../../services';
import { addTag } from '../../tickets/commands/add-tag';
import { assign } from '../../tickets/commands/assign';
import { changeStatus } from '../../tickets/commands/change-status';
import { presentTicketList } from '../presenters/ticket.presenter';
import { idList, wantsJson } from '../form-fields';
import { defineRoute } from '../route';
import { decodeCursor, encodeCursor } from './tickets.routes';
import { SNOOZE_CHOICES, SNOOZE_LABELS, snoozeUntil } from '../../automation/snooze/snooze-time';
import { snoozeTicket } from '../../tickets/commands/snooze-ticket';
import { applyMacro } from '../../automation/macros/apply-macro';
import { loadMacro } from '../../automation/macros/macros.routes';
import { macroRepository } from '../../db/repositories/macro.repository';
import { bulkNotice, bulkReport, withBulkReport } from '../../agent-web/bulk-report';
import { gettingStarted } from '../../onboarding/getting-started';

// The bulk bar offers every snooze but a typed time.
const BULK_SNOOZE = SNOOZE_CHOICES.filter((c) => c !== 'at') as [Exclude<(typeof SNOOZE_CHOICES)[number], 'at'>, ...Exclude<(typeof SNOOZE_CHOICES)[number], 'at'>[]];

const PAGE = 50;

// One page of rows for a query: keyset by last activity, offset for the other orders.
async function loadRows(s: Services, q: InboxQuery, me: number, locale = 'en') {
  const f = filtersOf(q, me);
  const rows = q.sort === 'activity'
    ? await ticketRepository.list(s.db.m, f, PAGE + 1, q.cursor ? decodeCursor(q.cursor) : undefined)
    : await ticketRepository.listOrdered(s.db.m, f, q.sort, PAGE + 1, (q.page - 1) * PAGE);
  const page = rows.slice(0, PAGE);
  const more = rows.length > PAGE;
  const now = s.now();
  const community = await findCommunityInboxId(s.db.m);
  return {
    rows: (await presentTicketList(s.db.m, page)).map((t) => toRow(t, now, community, locale)),
    next: !more ? null : q.sort === 'activity' ? inboxHref(q, { cursor: encodeCursor(page[page.length - 1]) }) : inboxHref(q, { page: q.page + 1 }),
    first: q.cursor || q.page > 1 ? inboxHref(q, {}) : null,
  };
}

function titleOf(q: InboxQuery, sidebar: Awaited<ReturnType<typeof loadSidebar>>, locale: string): string {
  const facet = [...sidebar.inboxes, ...sidebar.channels, ...sidebar.teams, ...sidebar.tags].find((x) => x.on);
  if (facet) return facet.key.startsWith('tag:') ? `#${facet.title}` : facet.title;
  return translate(locale, `agent.views.${q.view}`, { defaultValue: VIEWS[q.view].title });
}

// The query string of this page without paging: what a saved view keeps.
const viewQuery = (q: InboxQuery) => inboxHref(q, {}).replace(/^\/inbox\??/, '');

export function agentInboxPages(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/inbox', tag: 'pages', summary: 'The agent inbox: views with live counts, rows, keyboard triage and bulk actions',
    query: inboxQuery,
    authorize: agentOnly,
    handler: async ({ req, res, query, viewer }) => {
      const me = (viewer as AgentViewer).agentId;
      const locale = agentLocale(req);
      const [sidebar, list, agents] = await Promise.all([loadSidebar(s, me, query, locale), loadRows(s, query, me, locale), agentRepository.list(s.db.m)]);
      const sortLinks = (['activity', 'priority', 'sla'] as const).map((k) => ({ key: k, title: translate(locale, `agent.inbox.${{ activity: 'sortActivity', priority: 'sortPriority', sla: 'sortSla' }[k]}`), href: inboxHref(query, { sort: k }), on: query.sort === k }));
      return renderAgent(s, req, res, 'pages/agent/inbox', {
        title: titleOf(query, sidebar, locale), nav: { inbox: true }, sidebar, ...list, sortLinks, viewQuery: viewQuery(query),
        agents: agents.filter((a) => a.active).map((a) => ({ id: a.id, name: a.name })), teams: sidebar.teams.map((t) => ({ id: t.id, name: t.title })),
        statuses: TICKET_STATUSES, total: totalText(await totalOf(s.db.m, sidebar.totals, filtersOf(query, me)), locale),
        macros: (await macroRepository.list(s.db.m)).map((x) => ({ id: x.id, name: x.name })),
        snoozeChoices: BULK_SNOOZE.map((c) => ({ value: c, label: translate(locale, `agent.snooze.${c}`, { defaultValue: SNOOZE_LABELS[c] }) })), bulkNotice: bulkNotice(bulkReport.parse(req.query)),
        // An empty Chorus says what to do next (null once any ticket exists).
        gettingStarted: list.rows.length ? null : await gettingStarted(s.db.m, s.config.publicUrl, locale),
        scripts: ['/static/agent-inbox.js'],
      });
    },
  });

  // The live refresh: the same page as HTML rows plus every sidebar count.
  defineRoute(r, s, {
    method: 'get', path: '/inbox/live', tag: 'pages', summary: 'Rows and counts of an inbox view, for live refresh',
    query: inboxQuery,
    authorize: agentOnly,
    handler: async ({ req, res, query, viewer }) => {
      const me = (viewer as AgentViewer).agentId;
      // Rendered for this agent's request, so the rows are in their language.
      const locale = agentLocale(req);
      const [{ counts, groups, tags }, list] = await Promise.all([loadCounts(s, me), loadRows(s, query, me, locale)]);
      // `total` is COUNT_CAP + 1 when a view the kept counts cannot answer has more; `totalText` says "1,000+".
      const total = await totalOf(s.db.m, { groups, tags }, filtersOf(query, me));
      const html = await new Promise<string>((ok, fail) => req.app.render('partials/ticket-rows', { layout: false, locale, rows: list.rows }, (err, out) => (err ? fail(err) : ok(out))));
      res.setHeader('Cache-Control', 'no-store');
      return { html, counts, total, totalText: totalText(total, locale), ids: list.rows.map((x) => x.id) };
    },
  });

  // Bulk triage from the list: assign, change status, add a tag, snooze, apply a macro — each
  // ticket through its commands. Refused tickets are reported (JSON, or a notice on the page it returns to).
  defineRoute(r, s, {
    method: 'post', path: '/inbox/bulk', tag: 'pages', summary: 'Assign, change status, tag, snooze or apply a macro to many tickets at once',
    form: true,
    body: z.object({
      ids: idList().pipe(z.array(z.number()).min(1, 'Select at least one ticket').max(200)),
      assignee: z.string().regex(/^(|none|me|\d+)$/).optional(),
      team: z.string().regex(/^(|none|\d+)$/).optional(),
      status: z.union([z.literal(''), z.enum(TICKET_STATUSES)]).optional(),
      tag: z.string().trim().max(100).optional(),
      snooze: z.union([z.literal(''), z.enum(BULK_SNOOZE)]).optional(),
      macro: z.union([z.literal(''), z.coerce.number().int().positive()]).optional(),
      tz: z.string().trim().max(64).optional(),
    }),
    authorize: agentOnly,
    handler: async ({ req, res, body, viewer }) => {
      const v = viewer as AgentViewer;
      const agentId = body.assignee === 'me' ? v.agentId : body.assignee === 'none' ? null : body.assignee ? Number(body.assignee) : undefined;
      const teamId = body.team === 'none' ? null : body.team ? Number(body.team) : undefined;
      if (agentId === undefined && teamId === undefined && !body.status && !body.tag && !body.snooze && !body.macro) throw new AppError(422, 'validation_failed', 'Choose what to change: an assignee, a team, a status, a tag, a snooze or a macro.');
      const until = body.snooze ? snoozeUntil(body.snooze, s.now(), { tz: body.tz }) : undefined;
      const macro = body.macro ? await loadMacro(s, body.macro) : null;
      const failed: { id: number; reason: string }[] = [];
      let done = 0;
      for (const id of body.ids) {
        try {
          if (agentId !== undefined || teamId !== undefined) await assign(s.commands, v, id, { agentId, teamId });
          if (body.status) await changeStatus(s.commands, v, id, body.status);
          if (body.tag) await addTag(s.commands, v, id, body.tag);
          if (until !== undefined) await snoozeTicket(s.commands, v, id, until);
          if (macro) {
            // A macro reports per ticket instead of throwing: whatever it could not do is listed.
            const r = await applyMacro({ commands: s.commands, publicUrl: s.config.publicUrl }, v, macro, id);
            if (r.outcome !== 'applied') {
              failed.push({ id, reason: `${macro.name}: ${r.reason}` });
              if (r.outcome !== 'partly') continue;
            }
          }
          done++;
        } catch (err) {
          if (!(err instanceof AppError) || err.status >= 500) throw err;
          failed.push({ id, reason: err.message });
        }
      }
      if (wantsJson(req)) return { updated: done, failed };
      return void res.redirect(303, withBulkReport(backTo(req as Request, '/inbox'), done, failed));
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/inbox/views', tag: 'pages', summary: 'Save the current inbox filters as a named view',
    form: true,
    body: z.object({ name: z.string().trim().min(1, 'Name the view').max(60), query: z.string().max(500).default('') }),
    authorize: agentOnly,
    handler: async ({ res, body, viewer }) => {
      // Keep only what the inbox understands, so a saved view is always a valid page.
      const q = inboxQuery.parse(Object.fromEntries(new URLSearchParams(body.query)));
      const query = viewQuery(q);
      await s.db.write((m) => savedViewRepository.insert(m, { agentId: (viewer as AgentViewer).agentId, name: body.name, query, createdAt: s.now() }));
      return void res.redirect(303, `/inbox?${query}`);
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/inbox/views/:id/delete', tag: 'pages', summary: 'Delete one of your saved views',
    form: true,
    params: z.object({ id: z.coerce.number().int().positive() }),
    authorize: agentOnly,
    handler: async ({ req, res, params, viewer }) => {
      await s.db.write((m) => savedViewRepository.remove(m, params.id, (viewer as AgentViewer).agentId));
      return void res.redirect(303, backTo(req as Request, '/inbox'));
    },
  });
}
