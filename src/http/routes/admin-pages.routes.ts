import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { updateAgent } from '../../agents/update-agent';
import { agentOnly, renderAgent } from '../../agent-web/agent-page';
import { createAgent } from '../../agents/create-agent';
import { channelKindSchema } from '../../channels/channel-settings';
import { CHANNEL_KINDS, CLOSED_REPLIES } from '../../db/entities';
import { agentRepository } from '../../db/repositories/agent.repository';
import { businessCalendarRepository } from '../../db/repositories/business-calendar.repository';
import { cannedResponseRepository } from '../../db/repositories/canned-response.repository';
import { inboundItemRepository } from '../../db/repositories/inbound-item.repository';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { AppError, NotFoundError } from '../../errors';
import { createInbox } from '../../inboxes/create-inbox';
import { parseAdvanced, settingsErrors, settingsFormOf, settingsFromForm } from '../../inboxes/settings-form/settings-form';
import type { Viewer } from '../../policies/viewer';
import type { Services } from '../../services';
import { presentInbox } from '../presenters/inbox.presenter';
import { idList } from '../form-fields';
import { defineRoute } from '../route';
import { cannedBody, saveCanned } from './canned-responses.routes';
import { pageT, pageText } from '../../agent-web/page-text';

// Admin pages: a signed-out visitor is sent to sign in; an agent who is not an admin gets 403.
export const adminOnly = (v: Viewer) => agentOnly(v) && v.kind === 'agent' && v.role === 'admin';
const idParams = z.object({ id: z.coerce.number().int().positive() });
type Fields = Record<string, string>;

// zod issues → one message per field, for showing beside the inputs.
function fieldErrors(err: z.ZodError): Fields {
  const out: Fields = {};
  for (const i of err.issues) out[String(i.path[0] ?? 'form')] ??= i.message;
  return out;
}
const appFields = (err: AppError): Fields =>
  Object.fromEntries(Object.entries(((err.details as { fields?: Record<string, string[] | string> } | null)?.fields) ?? {}).map(([k, v]) => [k.replace(/^settings\..*/, 'settings'), Array.isArray(v) ? v[0] : v]));

async function agentsPage(s: Services, req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
  const [agents, teams] = await Promise.all([agentRepository.list(s.db.m), agentRepository.listTeams(s.db.m)]);
  const open = await Promise.all(agents.map((a) => ticketRepository.countOpenAssigned(s.db.m, a.id)));
  const members = await Promise.all(teams.map((t) => agentRepository.membersOf(s.db.m, t.id)));
  const names = new Map(agents.map((a) => [a.id, a.name]));
  return renderAgent(s, req, res, 'pages/admin/agents', {
    title: pageT(req)('admin.nav.agents'), nav: { admin: true }, section: { agents: true },
    agents: agents.map((a, i) => ({ id: a.id, name: a.name, email: a.email, isAdmin: a.role === 'admin', away: a.away, active: a.active, maxOpen: a.maxOpen ?? '', open: open[i] })),
    teams: teams.map((t, i) => ({ id: t.id, name: t.name, members: members[i].map((id) => names.get(id) ?? `#${id}`) })),
    values: {}, fields: {}, ...extra,
  }, status);
}

async function inboxesPage(s: Services, req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
  const [inboxes, calendars] = await Promise.all([inboxRepository.list(s.db.m).then((l) => l.map((i) => presentInbox(i))), businessCalendarRepository.list(s.db.m)]);
  return renderAgent(s, req, res, 'pages/admin/inboxes', {
    title: pageT(req)('admin.inboxes.title'), nav: { admin: true }, section: { inboxes: true },
    inboxes: inboxes.map((i) => ({ ...i, calendars: calendars.map((c) => ({ id: c.id, name: c.name, selected: c.id === i.calendarId })), settingsText: Object.entries(i.settings).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' · ') })),
    channels: CHANNEL_KINDS, values: { channel: 'email' }, fields: {}, ...extra,
    // The create form: each channel kind's own fields (script shows the chosen kind's only).
    kinds: CHANNEL_KINDS.map((k) => ({ kind: k, on: k === ((extra.values as { channel?: string } | undefined)?.channel ?? 'email'), groups: settingsFormOf(k, null, extra.posted as Record<string, unknown> | undefined, pageText(req)) })),
    scripts: ['/static/admin-inboxes.js'],
  }, status);
}

async function cannedPage(s: Services, req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
  const canned = await cannedResponseRepository.list(s.db.m);
  return renderAgent(s, req, res, 'pages/admin/canned', { title: pageT(req)('admin.nav.canned'), nav: { admin: true }, section: { canned: true }, canned, values: {}, fields: {}, ...extra }, status);
}

const INGEST_STATES = ['received', 'processed', 'ignored', 'failed'];

export function adminPages(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/admin', tag: 'admin', summary: 'Admin home', authorize: adminOnly,
    handler: ({ res }) => void res.redirect(303, '/admin/agents'),
  });

  defineRoute(r, s, { method: 'get', path: '/admin/agents', tag: 'admin', summary: 'Agents and teams', authorize: adminOnly, handler: ({ req, res }) => agentsPage(s, req, res) });

  defineRoute(r, s, {
    method: 'post', path: '/admin/agents', tag: 'admin', summary: 'Add an agent from the admin page', form: true, authorize: adminOnly,
    handler: async ({ req, res }) => {
      const raw = req.body as Record<string, string>;
      const parsed = z.object({
        name: z.string().trim().min(1, 'Enter a name.').max(100), email: z.email('Enter a valid e-mail address.'),
        role: z.enum(['agent', 'admin']), password: z.union([z.literal(''), z.string().min(8, 'Use at least 8 characters, or leave empty.')]).optional(),
      }).safeParse(raw);
      const values = { name: raw.name, email: raw.email, role: raw.role };
      if (!parsed.success) return agentsPage(s, req, res, { values, fields: fieldErrors(parsed.error), error: pageT(req)('admin.common.checkFields') }, 422);
      try {
        await createAgent(s.db, s.now(), { ...parsed.data, password: parsed.data.password || null });
      } catch (err) {
        if (err instanceof AppError && err.status < 500) return agentsPage(s, req, res, { values, fields: { email: err.message }, error: err.message }, err.status);
        throw err;
      }
      return void res.redirect(303, '/admin/agents');
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/admin/agents/:id', tag: 'admin', summary: 'Change an agent: role, cap, away, active', form: true, params: idParams, authorize: adminOnly,
    body: z.object({
      role: z.enum(['agent', 'admin']), maxOpen: z.union([z.literal(''), z.coerce.number().int().min(1).max(10_000)]),
      away: z.enum(['1']).optional(), active: z.enum(['1']).optional(),
    }),
    handler: async ({ res, params, body, viewer }) => {
      // An admin cannot lock themselves out.
      const self = viewer.kind === 'agent' && viewer.agentId === params.id;
      await updateAgent(s.db, params.id, {
        role: self ? 'admin' : body.role, maxOpen: body.maxOpen === '' ? null : body.maxOpen, away: !!body.away, active: self ? true : !!body.active,
      });
      return void res.redirect(303, '/admin/agents');
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/admin/teams', tag: 'admin', summary: 'Create a team from the admin page', form: true, authorize: adminOnly,
    body: z.object({
      name: z.string().trim().min(1, 'Name the team').max(100),
      agentIds: idList(),
    }),
    handler: async ({ res, body }) => {
      await s.db.transaction(async ({ m }) => {
        if ((await agentRepository.listTeams(m)).some((t) => t.name.toLowerCase() === body.name.toLowerCase())) throw new AppError(409, 'conflict', `A team called "${body.name}" exists already.`);
        const teamId = await agentRepository.insertTeam(m, body.name, s.now());
        for (const a of body.agentIds) await agentRepository.addMember(m, teamId, a);
      });
      return void res.redirect(303, '/admin/agents');
    },
  });

  defineRoute(r, s, { method: 'get', path: '/admin/inboxes', tag: 'admin', summary: 'Inboxes and their channel settings', authorize: adminOnly, handler: ({ req, res }) => inboxesPage(s, req, res) });

  // The page after creating an inbox is the only place its secret ever appears.
  defineRoute(r, s, {
    method: 'post', path: '/admin/inboxes', tag: 'admin', summary: 'Create an inbox from the admin page (shows its secret once)', form: true, authorize: adminOnly,
    handler: async ({ req, res }) => {
      const raw = req.body as Record<string, string>;
      const values = { name: raw.name, channel: raw.channel, address: raw.address, settings: raw.settings };
      const posted = raw as Record<string, unknown>;
      const parsed = z.object({
        name: z.string().trim().min(1, 'Name the inbox.').max(100), channel: channelKindSchema,
        address: z.union([z.literal(''), z.email('Enter the support address, e.g. support@example.com.')]).optional(),
        settings: z.string().max(10_000).optional(),
      }).safeParse(raw);
      if (!parsed.success) return inboxesPage(s, req, res, { values, posted, fields: fieldErrors(parsed.error), error: pageT(req)('admin.common.checkFields') }, 422);
      const advanced = parseAdvanced(parsed.data.settings);
      if (!advanced.ok) return inboxesPage(s, req, res, { values, posted, fields: { settings: advanced.error }, error: advanced.error }, 422);
      const settings = { ...settingsFromForm(parsed.data.channel, posted, null), ...advanced.value };
      try {
        const inbox = await createInbox(s.db, s.now(), { name: parsed.data.name, channel: parsed.data.channel, address: parsed.data.address || null, settings });
        return inboxesPage(s, req, res, { created: presentInbox(inbox, { withSecret: true }), webhookUrl: `${s.config.publicUrl}/webhooks/${inbox.channel}/${inbox.id}` }, 201);
      } catch (err) {
        if (err instanceof AppError && err.status < 500) {
          const settingsFields = (err.details as { fields?: Record<string, string[]> } | null)?.fields ?? {};
          const named = Object.keys(settingsFields).some((k) => k.startsWith('settings.')) ? settingsErrors(parsed.data.channel, settingsFields) : null;
          return inboxesPage(s, req, res, { values, posted, fields: named ? named.fields : appFields(err), error: named ? named.summary : err.message }, named ? 422 : err.status);
        }
        throw err;
      }
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/admin/inboxes/:id', tag: 'admin', summary: 'Round-robin, business-hour calendar, auto-close and replies to closed tickets of an inbox', form: true, params: idParams, authorize: adminOnly,
    body: z.object({
      roundRobin: z.enum(['1']).optional(), calendarId: z.union([z.literal(''), z.coerce.number().int().positive()]).optional(),
      closedReplies: z.enum(CLOSED_REPLIES).optional(), followUpDays: z.coerce.number().int().min(1, 'At least 1 day').max(3650).optional(),
      autoCloseDays: z.union([z.literal(''), z.coerce.number().int().min(1, 'At least 1 day').max(365, 'At most 365 days')]).optional(),
    }),
    handler: async ({ res, params, body }) => {
      if (!(await inboxRepository.findById(s.db.m, params.id))) throw new NotFoundError('Inbox');
      const closed = { ...(body.closedReplies ? { closedReplies: body.closedReplies } : {}), ...(body.followUpDays ? { followUpDays: body.followUpDays } : {}) };
      const autoClose = body.autoCloseDays === undefined ? {} : { autoCloseDays: body.autoCloseDays === '' ? null : body.autoCloseDays };
      await s.db.write((m) => inboxRepository.update(m, params.id, { roundRobin: !!body.roundRobin, ...(body.calendarId !== undefined ? { calendarId: body.calendarId === '' ? null : body.calendarId } : {}), ...closed, ...autoClose }));
      return void res.redirect(303, '/admin/inboxes');
    },
  });

  defineRoute(r, s, { method: 'get', path: '/admin/canned', tag: 'admin', summary: 'Canned responses', authorize: adminOnly, handler: ({ req, res }) => cannedPage(s, req, res) });

  defineRoute(r, s, {
    method: 'post', path: '/admin/canned', tag: 'admin', summary: 'Add or change a canned response from the admin page', form: true, authorize: adminOnly,
    handler: async ({ req, res, viewer }) => {
      const raw = req.body as Record<string, string>;
      const id = raw.id ? Number(raw.id) : undefined;
      const parsed = cannedBody.safeParse(raw);
      const values = { id: raw.id, title: raw.title, body: raw.body };
      if (!parsed.success) return cannedPage(s, req, res, { values, fields: fieldErrors(parsed.error), error: pageT(req)('admin.common.checkFields') }, 422);
      try {
        await saveCanned(s, parsed.data, (viewer as { agentId: number }).agentId, id);
      } catch (err) {
        if (err instanceof AppError && err.status < 500) return cannedPage(s, req, res, { values, fields: appFields(err), error: err.message }, err.status);
        throw err;
      }
      return void res.redirect(303, '/admin/canned');
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/admin/canned/:id/delete', tag: 'admin', summary: 'Delete a canned response', form: true, params: idParams, authorize: adminOnly,
    handler: async ({ res, params }) => {
      await s.db.write((m) => cannedResponseRepository.remove(m, params.id));
      return void res.redirect(303, '/admin/canned');
    },
  });

  defineRoute(r, s, {
    method: 'get', path: '/admin/ingest', tag: 'admin', summary: 'Failed ingest items, with replay', authorize: adminOnly,
    query: z.object({ replayed: z.coerce.number().int().positive().optional(), outcome: z.string().max(40).optional() }),
    handler: async ({ req, res, query }) => {
      const [counts, failed] = await Promise.all([inboundItemRepository.countsByState(s.db.m), inboundItemRepository.listByState(s.db.m, 'failed', 200)]);
      return renderAgent(s, req, res, 'pages/admin/ingest', {
        title: pageT(req)('admin.ingest.title'), nav: { admin: true }, section: { ingest: true }, replayed: query.replayed, outcome: query.outcome, replayOk: query.outcome === 'processed' || query.outcome === 'ignored',
        // The outcome comes back in the query: a state we know is named in the page's language.
        outcomeText: INGEST_STATES.includes(query.outcome ?? '') ? pageT(req)(`admin.ingest.state.${query.outcome}`) : query.outcome,
        counts: INGEST_STATES.map((k) => ({ state: k, n: counts[k] ?? 0 })),
        failed: failed.map((i) => ({ id: i.id, channel: i.channel, inboxId: i.inboxId, key: i.idempotencyKey, error: i.error, attempts: i.attempts, receivedAt: new Date(i.receivedAt).toISOString() })),
      });
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/admin/ingest/:id/replay', tag: 'admin', summary: 'Process a failed item again', form: true, params: idParams, authorize: adminOnly,
    handler: async ({ res, params }) => {
      if (!(await inboundItemRepository.findById(s.db.m, params.id))) throw new NotFoundError('Inbound item');
      const out = await s.ingest.process(params.id);
      return void res.redirect(303, `/admin/ingest?replayed=${params.id}&outcome=${encodeURIComponent(out.state)}`);
    },
  });
}
