import type { Router } from 'express';
import { z } from 'zod';
import { SESSION_COOKIE } from '../../auth/session.service';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import type { Services } from '../../services';
import { consumeMagicLink, linkNeedsPublicName, safeNext, sendMagicLink } from '../../web/magic-link.service';
import { checkPublicProfile, setPublicProfile } from '../../contacts/commands/set-public-profile';
import { ValidationError } from '../../errors';
import { threadPath } from '../../web/thread-path';
import { defineRoute } from '../route';
import { setSessionCookie } from './auth.routes';
import { csatToRate } from '../../csat/csat-surfaces';
import { translate } from '../../i18n/i18n';

const EMAIL = /^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+$/;

// Customers sign in by a single-use link sent to their address; no passwords to forget.
export function customerAuthRoutes(r: Router, s: Services): void {
  const page = (res: any, view: string, data: Record<string, unknown>, status = 200) => {
    res.status(status).render(view, { layout: 'public', ...data });
    return undefined;
  };

  defineRoute(r, s, {
    method: 'get', path: '/signin', tag: 'customer', summary: 'Customer sign-in page (e-mail link)',
    query: z.object({ next: z.string().max(500).optional() }),
    authorize: () => true,
    handler: ({ res, query, viewer, req }) => page(res, 'pages/signin', { titleKey: 'signin.title', next: safeNext(query.next), viewer, csrfToken: req.csrfToken }),
  });

  defineRoute(r, s, {
    method: 'post', path: '/signin', tag: 'customer', summary: 'Send a sign-in link; the same answer whether or not the address is known',
    body: z.object({ email: z.string().max(254).default(''), next: z.string().max(500).optional() }),
    authorize: () => true,
    handler: async ({ res, body, viewer, req }) => {
      const email = body.email.trim().toLowerCase();
      const next = safeNext(body.next);
      if (!EMAIL.test(email)) return page(res, 'pages/signin', { titleKey: 'signin.title', next, viewer, csrfToken: req.csrfToken, error: translate(res.locals.locale, 'signin.enterEmail'), email: body.email }, 422);
      const wait = (await s.rateLimits.take('signin-links', `ip:${req.ip}`, 20, 3600)) ?? (await s.rateLimits.take('signin-links', `email:${email}`, 5, 3600));
      if (wait !== null) {
        res.setHeader('Retry-After', String(wait));
        return page(res, 'pages/signin', { titleKey: 'signin.title', next, viewer, csrfToken: req.csrfToken, error: translate(res.locals.locale, 'signin.tooMany', { count: Math.ceil(wait / 60) }), email }, 429);
      }
      await sendMagicLink(s, email, next, res.locals.locale as string | undefined);
      return page(res, 'pages/signin-sent', { titleKey: 'signin.checkTitle', email, viewer });
    },
  });

  // The link only shows a button: mail scanners that fetch links must not use up the token.
  defineRoute(r, s, {
    method: 'get', path: '/signin/link', tag: 'customer', summary: 'Confirm page for a sign-in link',
    query: z.object({ token: z.string().max(200).default(''), next: z.string().max(500).optional() }),
    authorize: () => true,
    handler: async ({ res, query, viewer, req }) => page(res, 'pages/signin-link', {
      titleKey: 'signin.title', token: query.token, next: safeNext(query.next), viewer, csrfToken: req.csrfToken,
      // First sign-in: ask how they want to be shown publicly (optional; changeable at /my/profile).
      askName: await linkNeedsPublicName(s, query.token),
    }),
  });

  defineRoute(r, s, {
    method: 'post', path: '/signin/link', tag: 'customer', summary: 'Use a sign-in link (single use) and start a customer session',
    body: z.object({ token: z.string().max(200), next: z.string().max(500).optional(), displayName: z.string().max(200).optional() }),
    authorize: () => true,
    handler: async ({ res, body, viewer, req }) => {
      // The name is checked before the link is used, so a refused name costs nothing.
      let profile: { displayName?: string | null } = {};
      try {
        profile = checkPublicProfile({ displayName: body.displayName });
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        return page(res, 'pages/signin-link', { titleKey: 'signin.title', token: body.token, next: safeNext(body.next), viewer, csrfToken: req.csrfToken, askName: true, displayName: body.displayName, error: err.message }, 422);
      }
      const contactId = await consumeMagicLink(s, body.token);
      if (!contactId) return page(res, 'pages/signin', { titleKey: 'signin.title', next: safeNext(body.next), viewer, csrfToken: req.csrfToken, error: translate(res.locals.locale, 'signin.linkUsed') }, 410);
      if (profile.displayName) await setPublicProfile(s.db, contactId, { displayName: profile.displayName });
      if (req.sessionId) await s.sessions.destroy(req.sessionId);
      const { sid, maxAgeMs } = await s.sessions.create({ contactId });
      setSessionCookie(s, res, sid, maxAgeMs);
      res.redirect(303, safeNext(body.next));
      return undefined;
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/signout', tag: 'customer', summary: 'Sign out of the customer web',
    authorize: () => true,
    handler: async ({ req, res }) => {
      if (req.sessionId) await s.sessions.destroy(req.sessionId);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.redirect(303, '/community');
      return undefined;
    },
  });

  defineRoute(r, s, {
    method: 'get', path: '/my', tag: 'customer', summary: 'My tickets: every conversation of the signed-in customer, from every channel',
    authorize: () => true,
    handler: async ({ res, viewer, req }) => {
      if (viewer.kind !== 'contact') {
        res.redirect(303, '/signin?next=/my');
        return undefined;
      }
      const ids = await ticketRepository.ticketIdsOfContact(s.db.m, viewer.contactId);
      // A ticket automatic mail opened (their own out-of-office reply, say) is no conversation of theirs.
      const tickets = (await ticketRepository.findByIds(s.db.m, ids)).filter((t) => !t.mergedIntoId && !t.automatic).sort((a, b) => b.lastActivityAt - a.lastActivityAt);
      const inboxes = new Map((await inboxRepository.list(s.db.m)).map((i) => [i.id, i.name]));
      const toRate = await csatToRate(s.db.m, s.config, viewer, tickets.map((t) => t.id), s.now());
      const rows = tickets.map((t) => ({
        id: t.id, subject: t.subject, status: t.status, channel: t.channel, inbox: inboxes.get(t.inboxId) ?? t.channel,
        visibility: t.visibility, href: threadPath(t), lastActivityAt: t.lastActivityAt, rateHref: toRate.get(t.id) ?? null,
      }));
      return page(res, 'pages/my-tickets', { titleKey: 'my.title', tickets: rows, viewer, csrfToken: req.csrfToken });
    },
  });
}
