import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { updateAgent } from '../../agents/update-agent';
import { SESSION_COOKIE } from '../../auth/session.service';
import { completeSetup, signInAgent } from '../../auth/sign-in';
import { AppError } from '../../errors';
import { agentOnly, backTo } from '../../agent-web/agent-page';
import type { Services } from '../../services';
import { safeNext as safeNextPath, strictCsp } from '../page-security';
import { defineRoute } from '../route';
import { translate } from '../../i18n/i18n';
import { setSessionCookie } from './auth.routes';

// Only same-site paths: a sign-in link must never bounce the agent to another site.
const safeNext = (next: unknown) => safeNextPath(next, '/inbox');

function bare(res: Response, view: string, data: Record<string, unknown>, status = 200): undefined {
  res.setHeader('Content-Security-Policy', strictCsp("'none'"));
  // Signed out, these pages speak the browser's language (res.locals.locale, from pageLocals).
  const title = typeof data.titleKey === 'string' ? translate(res.locals.locale as string | undefined, data.titleKey) : data.title;
  res.status(status).render(view, { layout: 'bare', ...data, title });
  return undefined;
}

// Sign-in, sign-out, first-run setup and "away" — plain forms, no script needed.
export function agentSessionPages(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/login', tag: 'pages', summary: 'Agent sign-in page',
    query: z.object({ next: z.string().max(500).optional(), reset: z.string().max(5).optional() }),
    authorize: () => true,
    handler: ({ req, res, query }) => {
      if (req.viewer.kind === 'agent') return void res.redirect(303, safeNext(query.next));
      return bare(res, 'pages/agent/login', { titleKey: 'agent.login.pageTitle', next: safeNext(query.next), reset: !!query.reset });
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/login', tag: 'pages', summary: 'Sign in from the page form',
    form: true,
    authorize: () => true,
    handler: async ({ req, res }) => {
      const f = z.object({ email: z.string().trim().max(320).default(''), password: z.string().max(1000).default(''), next: z.string().max(500).optional() }).parse(req.body ?? {});
      const fail = (message: string, status: number, fields: Record<string, string> = {}) =>
        bare(res, 'pages/agent/login', { titleKey: 'agent.login.pageTitle', next: safeNext(f.next), email: f.email, error: message, fields }, status);
      if (!z.email().safeParse(f.email).success) return fail('Enter the e-mail address you sign in with.', 422, { email: 'Enter a valid e-mail address.' });
      if (!f.password) return fail('Enter your password.', 422, { password: 'Enter your password.' });
      try {
        const { sid, maxAgeMs } = await signInAgent(s, f.email, f.password, req.ip);
        setSessionCookie(s, res, sid, maxAgeMs);
        return void res.redirect(303, safeNext(f.next));
      } catch (err) {
        if (err instanceof AppError && (err.status === 401 || err.status === 429)) return fail(err.message, err.status);
        throw err;
      }
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/logout', tag: 'pages', summary: 'Sign out from the page',
    form: true,
    authorize: () => true,
    handler: async ({ req, res }) => {
      if (req.sessionId) await s.sessions.destroy(req.sessionId);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      return void res.redirect(303, '/login');
    },
  });

  defineRoute(r, s, {
    method: 'get', path: '/setup', tag: 'pages', summary: 'First-run page that creates the first admin',
    query: z.object({ token: z.string().max(200).optional() }),
    authorize: () => true,
    handler: ({ res, query }) => bare(res, 'pages/agent/setup', { titleKey: 'agent.setup.title', token: query.token ?? '', values: {} }),
  });

  defineRoute(r, s, {
    method: 'post', path: '/setup', tag: 'pages', summary: 'Create the first admin from the setup page',
    form: true,
    authorize: () => true,
    handler: async ({ req, res }) => {
      const raw = (req.body ?? {}) as Record<string, string>;
      const schema = z.object({
        token: z.string().min(10, 'The setup link is incomplete; open the link Chorus printed at start.'),
        name: z.string().trim().min(1, 'Enter your name.').max(100),
        email: z.email('Enter a valid e-mail address.'),
        password: z.string().min(8, 'Use at least 8 characters.').max(200),
      });
      const parsed = schema.safeParse(raw);
      const again = (fields: Record<string, string>, error?: string, status = 422) =>
        bare(res, 'pages/agent/setup', { titleKey: 'agent.setup.title', token: raw.token ?? '', values: { name: raw.name, email: raw.email }, fields, error }, status);
      if (!parsed.success) return again(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])), 'Check the highlighted fields.');
      try {
        const { sid, maxAgeMs } = await completeSetup(s, parsed.data);
        setSessionCookie(s, res, sid, maxAgeMs);
        return void res.redirect(303, '/inbox');
      } catch (err) {
        if (err instanceof AppError && err.status < 500) return again({}, err.message, err.status);
        throw err;
      }
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/me/away', tag: 'pages', summary: 'Set yourself away or available (round-robin skips away agents)',
    form: true,
    body: z.object({ away: z.enum(['0', '1']) }),
    authorize: agentOnly,
    handler: async ({ req, res, body, viewer }) => {
      await updateAgent(s.db, (viewer as { agentId: number }).agentId, { away: body.away === '1' });
      return void res.redirect(303, backTo(req as Request, '/inbox'));
    },
  });

  // The agent's theme, kept on the agent so it follows them to every device; "system" goes back
  // to the device's prefers-color-scheme.
  defineRoute(r, s, {
    method: 'post', path: '/me/theme', tag: 'pages', summary: 'Choose the agent app theme: light, dark, or the device setting',
    form: true,
    body: z.object({ theme: z.enum(['system', 'light', 'dark'], { message: 'theme must be system, light or dark' }) }),
    authorize: agentOnly,
    handler: async ({ req, res, body, viewer }) => {
      await updateAgent(s.db, (viewer as { agentId: number }).agentId, { theme: body.theme === 'system' ? null : body.theme });
      if ((req as Request).accepts(['html', 'json']) === 'json') return void res.json({ theme: body.theme });
      return void res.redirect(303, backTo(req as Request, '/inbox'));
    },
  });
}
