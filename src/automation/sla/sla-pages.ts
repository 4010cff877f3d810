import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { renderAgent } from '../../agent-web/agent-page';
import type { SlaPolicy } from '../../db/entities';
import { agentRepository } from '../../db/repositories/agent.repository';
import { businessCalendarRepository } from '../../db/repositories/business-calendar.repository';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import { slaPolicyRepository } from '../../db/repositories/sla.repository';
import { AppError, NotFoundError } from '../../errors';
import { adminOnly } from '../../http/routes/admin-pages.routes';
import { defineRoute } from '../../http/route';
import type { Services } from '../../services';
import { createCalendar, deleteCalendar, updateCalendar } from '../calendars/save-calendar';
import { createSlaPolicy, deleteSlaPolicy, updateSlaPolicy } from './save-sla-policy';
import { calendarField, calendarFormValues, calendarFromForm, type FieldErrors, policyField, policyFormValues, policyFromForm } from './sla-form';
import { pageT, pageText, type PageText } from '../../agent-web/page-text';

const idParams = z.object({ id: z.coerce.number().int().positive() });
const editQuery = z.object({ edit: z.coerce.number().int().positive().optional() });
type Form = Record<string, string | string[] | undefined>;

function appFieldErrors(err: AppError, field: (path: string) => string): FieldErrors {
  const fields = ((err.details as { fields?: Record<string, string[]> } | null)?.fields) ?? {};
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(fields)) out[field(k)] ??= Array.isArray(v) ? v[0] : String(v);
  return out;
}

// Targets and conditions in words, in the page's language ("2h 30m", "2 Std. 30 Min.").
const minutesText = (t: PageText, m: number | null) => (m === null ? '—' : m % 60 === 0 ? t('admin.sla.dur.h', { h: m / 60 }) : m > 60 ? t('admin.sla.dur.hm', { h: Math.floor(m / 60), m: m % 60 }) : t('admin.sla.dur.m', { m }));

function conditionsText(t: PageText, p: SlaPolicy, inboxNames: Map<number, string>): string {
  const c = p.conditions ?? {};
  const or = (l: (string | number)[]) => l.join(` ${t('admin.sla.or')} `);
  const parts = [
    c.inboxIds?.length ? t('admin.sla.cond.inbox', { list: or(c.inboxIds.map((i) => inboxNames.get(i) ?? `#${i}`)) }) : '',
    c.channels?.length ? t('admin.sla.cond.channel', { list: or(c.channels) }) : '',
    c.priorities?.length ? t('admin.sla.cond.priority', { list: or(c.priorities) }) : '',
    c.tags?.length ? t('admin.sla.cond.tagged', { list: or(c.tags) }) : '',
    c.minReach !== undefined ? t('admin.sla.cond.reach', { n: c.minReach }) : '',
    c.visibility ? t('admin.sla.cond.visibility', { v: c.visibility }) : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : t('admin.sla.cond.every');
}

async function slaPage(s: Services, req: Request, res: Response, edit: number | undefined, extra: { values?: ReturnType<typeof policyFormValues>; fields?: FieldErrors; error?: string } = {}, status = 200) {
  const [policies, inboxes] = await Promise.all([slaPolicyRepository.list(s.db.m), inboxRepository.list(s.db.m)]);
  const names = new Map(inboxes.map((i) => [i.id, i.name]));
  const editing = edit ? policies.find((p) => p.id === edit) : undefined;
  if (edit && !editing) throw new NotFoundError('SLA policy');
  const t = pageText(req);
  const form = extra.values ?? policyFormValues(editing ?? null, inboxes);
  return renderAgent(s, req, res, 'pages/admin/sla', {
    title: t('admin.sla.title'), nav: { admin: true }, section: { sla: true },
    policies: policies.map((p, i) => ({
      id: p.id, name: p.name, position: p.position, enabled: p.enabled, conditions: conditionsText(t, p, names), first: i === 0, last: i === policies.length - 1,
      firstResponse: minutesText(t, p.firstResponseMinutes), nextResponse: minutesText(t, p.nextResponseMinutes), resolution: minutesText(t, p.resolutionMinutes),
      warn: p.warnBeforeMinutes ? minutesText(t, p.warnBeforeMinutes) : t('admin.sla.noWarn'), clock: p.businessHours ? t('admin.sla.clockBusiness') : t('admin.sla.clockAround'),
    })),
    form: { ...form, visibilities: form.visibilities.map((v) => (v.value ? v : { ...v, label: t('admin.sla.any') })) },
    action: editing ? `/admin/sla/${editing.id}` : '/admin/sla',
    editing: !!editing, fields: extra.fields ?? {}, error: extra.error,
  }, status);
}

async function calendarsPage(s: Services, req: Request, res: Response, edit: number | undefined, extra: { raw?: Form; fields?: FieldErrors; error?: string } = {}, status = 200) {
  const [calendars, teams] = await Promise.all([businessCalendarRepository.list(s.db.m), agentRepository.listTeams(s.db.m)]);
  const editing = edit ? calendars.find((c) => c.id === edit) : undefined;
  if (edit && !editing) throw new NotFoundError('Calendar');
  const usage = await Promise.all(calendars.map((c) => businessCalendarRepository.usage(s.db.m, c.id)));
  const t = pageText(req);
  const form = calendarFormValues(editing ?? null, extra.raw);
  return renderAgent(s, req, res, 'pages/admin/calendars', {
    title: t('admin.calendars.title'), nav: { admin: true }, section: { calendars: true },
    calendars: calendars.map((c, i) => ({
      id: c.id, name: c.name, timeZone: c.timeZone, inboxes: usage[i].inboxes, teams: usage[i].teams,
      hours: calendarFormValues(c).days.filter((d) => d.value).map((d) => `${t(`admin.calendars.daysShort.${d.key}`)} ${d.value}`).join(' · ') || t('admin.calendars.closed'),
      holidays: c.holidays.length,
    })),
    teams: teams.map((t) => ({ id: t.id, name: t.name, options: calendars.map((c) => ({ id: c.id, name: c.name, selected: c.id === t.calendarId })) })),
    form: { ...form, days: form.days.map((d) => ({ ...d, label: t(`admin.calendars.days.${d.key}`) })) },
    action: editing ? `/admin/calendars/${editing.id}` : '/admin/calendars',
    editing: !!editing, fields: extra.fields ?? {}, error: extra.error,
  }, status);
}

export function slaPages(r: Router, s: Services): void {
  defineRoute(r, s, { method: 'get', path: '/admin/sla', tag: 'admin', summary: 'SLA policies', query: editQuery, authorize: adminOnly, handler: ({ req, res, query }) => slaPage(s, req, res, query.edit) });

  const savePolicy = async (req: Request, res: Response, id: number | undefined) => {
    const { input, errors } = policyFromForm(req.body as Form);
    const inboxes = await inboxRepository.list(s.db.m);
    const values = () => policyFormValues({ ...(input as unknown as SlaPolicy), id: id as number, position: (input.position as number) ?? null } as SlaPolicy, inboxes);
    if (Object.keys(errors).length) return slaPage(s, req, res, id, { values: values(), fields: errors, error: pageT(req)('admin.common.checkFields') }, 422);
    try {
      if (id === undefined) await createSlaPolicy(s.db, s.now(), input);
      else await updateSlaPolicy(s.db, id, s.now(), input);
    } catch (err) {
      if (err instanceof AppError && err.status < 500 && err.status !== 404) return slaPage(s, req, res, id, { values: values(), fields: appFieldErrors(err, policyField), error: err.message }, err.status === 400 ? 422 : err.status);
      throw err;
    }
    return void res.redirect(303, '/admin/sla');
  };
  defineRoute(r, s, { method: 'post', path: '/admin/sla', tag: 'admin', summary: 'Add an SLA policy from the admin page', form: true, authorize: adminOnly, handler: ({ req, res }) => savePolicy(req, res, undefined) });
  defineRoute(r, s, { method: 'post', path: '/admin/sla/:id', tag: 'admin', summary: 'Change an SLA policy from the admin page', form: true, params: idParams, authorize: adminOnly, handler: ({ req, res, params }) => savePolicy(req, res, params.id) });
  defineRoute(r, s, {
    method: 'post', path: '/admin/sla/:id/move', tag: 'admin', summary: 'Move an SLA policy up or down the order', form: true, params: idParams, authorize: adminOnly,
    body: z.object({ dir: z.enum(['up', 'down']) }),
    handler: async ({ res, params, body }) => {
      const p = await slaPolicyRepository.findById(s.db.m, params.id);
      if (!p) throw new NotFoundError('SLA policy');
      const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = p;
      await updateSlaPolicy(s.db, p.id, s.now(), { ...rest, position: Math.max(1, p.position + (body.dir === 'up' ? -1 : 1)) });
      return void res.redirect(303, '/admin/sla');
    },
  });
  defineRoute(r, s, {
    method: 'post', path: '/admin/sla/:id/delete', tag: 'admin', summary: 'Delete an SLA policy from the admin page', form: true, params: idParams, authorize: adminOnly,
    handler: async ({ res, params }) => {
      await deleteSlaPolicy(s.db, params.id, s.now());
      return void res.redirect(303, '/admin/sla');
    },
  });

  defineRoute(r, s, { method: 'get', path: '/admin/calendars', tag: 'admin', summary: 'Business-hour calendars', query: editQuery, authorize: adminOnly, handler: ({ req, res, query }) => calendarsPage(s, req, res, query.edit) });
  const saveCalendar = async (req: Request, res: Response, id: number | undefined) => {
    const raw = req.body as Form;
    try {
      if (id === undefined) await createCalendar(s.db, s.now(), calendarFromForm(raw));
      else await updateCalendar(s.db, id, s.now(), calendarFromForm(raw));
    } catch (err) {
      if (err instanceof AppError && err.status < 500 && err.status !== 404) return calendarsPage(s, req, res, id, { raw, fields: appFieldErrors(err, calendarField), error: err.message }, err.status === 400 ? 422 : err.status);
      throw err;
    }
    return void res.redirect(303, '/admin/calendars');
  };
  defineRoute(r, s, { method: 'post', path: '/admin/calendars', tag: 'admin', summary: 'Add a business-hour calendar from the admin page', form: true, authorize: adminOnly, handler: ({ req, res }) => saveCalendar(req, res, undefined) });
  defineRoute(r, s, { method: 'post', path: '/admin/calendars/:id', tag: 'admin', summary: 'Change a business-hour calendar from the admin page', form: true, params: idParams, authorize: adminOnly, handler: ({ req, res, params }) => saveCalendar(req, res, params.id) });
  defineRoute(r, s, {
    method: 'post', path: '/admin/calendars/:id/delete', tag: 'admin', summary: 'Delete a business-hour calendar from the admin page', form: true, params: idParams, authorize: adminOnly,
    handler: async ({ res, params }) => {
      await deleteCalendar(s.db, params.id);
      return void res.redirect(303, '/admin/calendars');
    },
  });
  defineRoute(r, s, {
    method: 'post', path: '/admin/teams/:id/calendar', tag: 'admin', summary: 'Set the business-hour calendar of a team', form: true, params: idParams, authorize: adminOnly,
    body: z.object({ calendarId: z.union([z.literal(''), z.coerce.number().int().positive()]) }),
    handler: async ({ res, params, body }) => {
      const calendarId = body.calendarId === '' ? null : body.calendarId;
      await s.db.transaction(async ({ m, emit }) => {
        if (!(await agentRepository.findTeam(m, params.id))) throw new NotFoundError('Team');
        if (calendarId !== null && !(await businessCalendarRepository.findById(m, calendarId))) throw new NotFoundError('Calendar');
        await agentRepository.updateTeam(m, params.id, { calendarId });
        if (calendarId !== null) emit('calendar.changed', { calendarId });
      });
      return void res.redirect(303, '/admin/calendars');
    },
  });
}
