import type { Router } from 'express';
import { z } from 'zod';
import { agentLocale, agentOnly, backTo, browserAgentLocale, renderAgent, type AgentViewer } from '../agent-web/agent-page';
import { agentRepository } from '../db/repositories/agent.repository';
import { translate } from '../i18n/i18n';
import { LOCALE_NAMES, LOCALES } from '../i18n/locale';
import { NOTIFICATION_KINDS } from '../db/entities';
import { notificationRepository } from '../db/repositories/notification.repository';
import { defineRoute } from '../http/route';
import type { Viewer } from '../policies/viewer';
import type { Services } from '../services';
import { markAllNotificationsRead } from './commands/mark-all-read';
import { markNotificationRead } from './commands/mark-read';
import { setNotificationEmailKinds } from './commands/set-email-kinds';
import { notificationSchema, presentNotification } from './notification.presenter';

const PAGE = 25;
// Notifications are an agent's own: every route reads and writes the signed-in agent's rows only.
const isAgent = (v: Viewer) => v.kind === 'agent';
const me = (v: Viewer) => (v as AgentViewer).agentId;
const idParams = z.object({ id: z.coerce.number().int().positive() });
const listQuery = z.object({ before: z.coerce.number().int().positive().optional(), unread: z.enum(['1', '0']).optional() });

export function notificationsRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/api/notifications', tag: 'notifications', summary: 'My notifications, newest first (before: the last id of the previous page)',
    query: listQuery, authorize: isAgent,
    response: z.object({ unread: z.number().int(), items: z.array(notificationSchema), next: z.number().int().nullable() }),
    handler: async ({ viewer, query }) => {
      const rows = await notificationRepository.page(s.db.m, me(viewer), { before: query.before, limit: PAGE + 1, unread: query.unread === '1' });
      const items = rows.slice(0, PAGE);
      return { unread: await notificationRepository.unreadCount(s.db.m, me(viewer)), items: items.map(presentNotification), next: rows.length > PAGE ? items[items.length - 1].id : null };
    },
  });
  defineRoute(r, s, {
    method: 'post', path: '/api/notifications/:id/read', tag: 'notifications', summary: 'Mark one of my notifications read',
    params: idParams, authorize: isAgent, errors: [404],
    response: z.object({ unread: z.number().int() }),
    handler: async ({ viewer, params }) => {
      await markNotificationRead(s.db, s.now(), me(viewer), params.id);
      return { unread: await notificationRepository.unreadCount(s.db.m, me(viewer)) };
    },
  });
  defineRoute(r, s, {
    method: 'post', path: '/api/notifications/read-all', tag: 'notifications', summary: 'Mark all my notifications read',
    authorize: isAgent, response: z.object({ marked: z.number().int(), unread: z.number().int() }),
    handler: async ({ viewer }) => ({ marked: await markAllNotificationsRead(s.db, s.now(), me(viewer)), unread: 0 }),
  });
  defineRoute(r, s, {
    method: 'put', path: '/api/notifications/preferences', tag: 'notifications', summary: 'Choose which kinds of notification I also get by e-mail',
    body: z.object({ email: z.array(z.string().max(40)).max(20) }), authorize: isAgent,
    response: z.object({ email: z.array(z.string()) }),
    handler: async ({ viewer, body }) => ({ email: await setNotificationEmailKinds(s.db, s.now(), me(viewer), body.email) }),
  });

  // Pages: the list (paged by id), the settings, and no-JS forms for marking read.
  defineRoute(r, s, {
    method: 'get', path: '/notifications', tag: 'pages', summary: 'My notifications page',
    query: listQuery, authorize: agentOnly,
    handler: async ({ req, res, viewer, query }) => {
      const rows = await notificationRepository.page(s.db.m, me(viewer), { before: query.before, limit: PAGE + 1, unread: query.unread === '1' });
      const items = rows.slice(0, PAGE).map(presentNotification);
      const unreadOnly = query.unread === '1' ? '&unread=1' : '';
      return renderAgent(s, req, res, 'pages/agent/notifications', {
        title: translate(agentLocale(req), 'agent.notifications.title'), nav: { notifications: true }, items, unreadOnly: query.unread === '1', paged: !!query.before,
        older: rows.length > PAGE ? `/notifications?before=${items[items.length - 1].id}${unreadOnly}` : null,
      });
    },
  });
  defineRoute(r, s, {
    method: 'post', path: '/notifications/:id/read', tag: 'pages', summary: 'Mark a notification read from the page',
    params: idParams, form: true, authorize: agentOnly,
    handler: async ({ req, res, viewer, params }) => {
      await markNotificationRead(s.db, s.now(), me(viewer), params.id);
      return void res.redirect(303, backTo(req, '/notifications'));
    },
  });
  defineRoute(r, s, {
    method: 'post', path: '/notifications/read-all', tag: 'pages', summary: 'Mark all notifications read from the page',
    form: true, authorize: agentOnly,
    handler: async ({ req, res, viewer }) => {
      await markAllNotificationsRead(s.db, s.now(), me(viewer));
      return void res.redirect(303, backTo(req, '/notifications'));
    },
  });
  defineRoute(r, s, {
    method: 'get', path: '/notifications/settings', tag: 'pages', summary: 'My notification settings page',
    query: z.object({ saved: z.string().max(5).optional() }), authorize: agentOnly,
    handler: async ({ req, res, viewer, query }) => {
      const locale = agentLocale(req);
      const [chosen, agent] = await Promise.all([notificationRepository.emailKinds(s.db.m, me(viewer)), agentRepository.findById(s.db.m, me(viewer))]);
      const kinds = NOTIFICATION_KINDS.map((k) => ({ kind: k, label: translate(locale, `agent.notifications.kind.${k}`, { defaultValue: k }), on: chosen.includes(k) }));
      // The agent app's language: their own choice, or "automatic" (their browser's, else English).
      const languages = [
        { value: '', label: translate(locale, 'agent.settings.languageAuto', { name: LOCALE_NAMES[browserAgentLocale(req)] }), selected: !agent?.locale },
        ...LOCALES.map((l) => ({ value: l, label: LOCALE_NAMES[l], selected: agent?.locale === l })),
      ];
      return renderAgent(s, req, res, 'pages/agent/notification-settings', { title: translate(locale, 'agent.settings.title'), nav: { notifications: true }, kinds, languages, saved: !!query.saved });
    },
  });
  defineRoute(r, s, {
    method: 'post', path: '/notifications/settings', tag: 'pages', summary: 'Save my notification e-mail choices from the page',
    form: true, authorize: agentOnly,
    handler: async ({ req, res, viewer }) => {
      const raw = (req.body ?? {}) as Record<string, unknown>;
      const email = ([] as unknown[]).concat(raw.email ?? []).map(String);
      await setNotificationEmailKinds(s.db, s.now(), me(viewer), email);
      return void res.redirect(303, '/notifications/settings?saved=1');
    },
  });
}
