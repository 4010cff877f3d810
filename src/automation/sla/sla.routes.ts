import type { Router } from 'express';
import { z } from 'zod';
import type { BusinessCalendarRow, SlaPolicy } from '../../db/entities';
import { businessCalendarRepository } from '../../db/repositories/business-calendar.repository';
import { slaPolicyRepository } from '../../db/repositories/sla.repository';
import { NotFoundError } from '../../errors';
import { defineRoute } from '../../http/route';
import { ticketPolicy } from '../../policies/ticket.policy';
import type { Services } from '../../services';
import { calendarInputSchema } from '../calendars/calendar.schema';
import { createCalendar, deleteCalendar, updateCalendar } from '../calendars/save-calendar';
import { createSlaPolicy, deleteSlaPolicy, updateSlaPolicy } from './save-sla-policy';
import { slaPolicyInputSchema } from './sla-policy.schema';
import { slaPages } from './sla-pages';

const idParams = z.object({ id: z.coerce.number().int().positive() });
const iso = (ms: number) => new Date(ms).toISOString();

export const presentPolicy = (p: SlaPolicy) => ({
  id: p.id, name: p.name, position: p.position, enabled: p.enabled, conditions: p.conditions ?? {},
  firstResponseMinutes: p.firstResponseMinutes, nextResponseMinutes: p.nextResponseMinutes, resolutionMinutes: p.resolutionMinutes,
  warnBeforeMinutes: p.warnBeforeMinutes, businessHours: p.businessHours, createdAt: iso(p.createdAt), updatedAt: iso(p.updatedAt),
});
export const presentCalendar = (c: BusinessCalendarRow) => ({ id: c.id, name: c.name, timeZone: c.timeZone, weekly: c.weekly, holidays: c.holidays, createdAt: iso(c.createdAt), updatedAt: iso(c.updatedAt) });

export function slaRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/api/sla-policies', tag: 'sla', summary: 'List SLA policies in the order they are tried',
    authorize: ticketPolicy.list,
    handler: async () => ({ slaPolicies: (await slaPolicyRepository.list(s.db.m)).map(presentPolicy) }),
  });
  defineRoute(r, s, {
    method: 'post', path: '/api/sla-policies', tag: 'sla', summary: 'Add an SLA policy (admins)', status: 201,
    body: slaPolicyInputSchema, authorize: ticketPolicy.manageAgents,
    handler: async ({ body }) => ({ slaPolicy: presentPolicy(await createSlaPolicy(s.db, s.now(), body)) }),
  });
  defineRoute(r, s, {
    method: 'put', path: '/api/sla-policies/:id', tag: 'sla', summary: 'Replace an SLA policy (admins)',
    params: idParams, body: slaPolicyInputSchema, authorize: ticketPolicy.manageAgents,
    handler: async ({ params, body }) => ({ slaPolicy: presentPolicy(await updateSlaPolicy(s.db, params.id, s.now(), body)) }),
  });
  defineRoute(r, s, {
    method: 'delete', path: '/api/sla-policies/:id', tag: 'sla', summary: 'Delete an SLA policy (admins)',
    params: idParams, authorize: ticketPolicy.manageAgents,
    handler: async ({ params }) => {
      await deleteSlaPolicy(s.db, params.id, s.now());
      return { deleted: true };
    },
  });

  defineRoute(r, s, {
    method: 'get', path: '/api/calendars', tag: 'sla', summary: 'List business-hour calendars',
    authorize: ticketPolicy.list,
    handler: async () => ({ calendars: (await businessCalendarRepository.list(s.db.m)).map(presentCalendar) }),
  });
  defineRoute(r, s, {
    method: 'post', path: '/api/calendars', tag: 'sla', summary: 'Add a business-hour calendar (admins)', status: 201,
    body: calendarInputSchema, authorize: ticketPolicy.manageAgents,
    handler: async ({ body }) => ({ calendar: presentCalendar(await createCalendar(s.db, s.now(), body)) }),
  });
  defineRoute(r, s, {
    method: 'put', path: '/api/calendars/:id', tag: 'sla', summary: 'Replace a business-hour calendar (admins)',
    params: idParams, body: calendarInputSchema, authorize: ticketPolicy.manageAgents,
    handler: async ({ params, body }) => ({ calendar: presentCalendar(await updateCalendar(s.db, params.id, s.now(), body)) }),
  });
  defineRoute(r, s, {
    method: 'delete', path: '/api/calendars/:id', tag: 'sla', summary: 'Delete a business-hour calendar (admins); its inboxes and teams fall back to wall-clock time',
    params: idParams, authorize: ticketPolicy.manageAgents,
    handler: async ({ params }) => {
      if (!(await businessCalendarRepository.findById(s.db.m, params.id))) throw new NotFoundError('Calendar');
      await deleteCalendar(s.db, params.id);
      return { deleted: true };
    },
  });

  slaPages(r, s);
}
