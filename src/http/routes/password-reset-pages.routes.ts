import type { Response, Router } from 'express';
import { z } from 'zod';
import { requestPasswordReset, resetLinkValid, resetPassword } from '../../auth/password-reset';
import { AppError, RateLimitedError } from '../../errors';
import type { Services } from '../../services';
import { strictCsp } from '../page-security';
import { defineRoute } from '../route';
import { translate } from '../../i18n/i18n';

function bare(res: Response, view: string, data: Record<string, unknown>, status = 200): undefined {
  res.setHeader('Content-Security-Policy', strictCsp("'none'"));
  // Signed out, these pages speak the browser's language (res.locals.locale, from pageLocals).
  const title = typeof data.titleKey === 'string' ? translate(res.locals.locale as string | undefined, data.titleKey) : data.title;
  res.status(status).render(view, { layout: 'bare', ...data, title });
  return undefined;
}

// "Forgot your password?": a single-use, expiring link by e-mail; the answer to a request is the
// same whether or not the address belongs to an agent.
export function passwordResetPages(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'get', path: '/password/forgot', tag: 'pages', summary: 'Ask for a password reset link',
    authorize: () => true,
    handler: ({ res }) => bare(res, 'pages/agent/password-forgot', { titleKey: 'agent.password.resetTitle' }),
  });
  defineRoute(r, s, {
    method: 'post', path: '/password/forgot', tag: 'pages', summary: 'Send a reset link if the address is an agent’s (the same answer either way)',
    form: true, authorize: () => true,
    handler: async ({ req, res }) => {
      const email = String((req.body as Record<string, unknown>)?.email ?? '').trim().slice(0, 320);
      if (!z.email().safeParse(email).success) return bare(res, 'pages/agent/password-forgot', { titleKey: 'agent.password.resetTitle', email, fields: { email: 'Enter the e-mail address you sign in with.' } }, 422);
      try {
        await requestPasswordReset(s, email, req.ip);
      } catch (err) {
        if (!(err instanceof RateLimitedError)) throw err;
        res.setHeader('Retry-After', String(err.retryAfterSeconds));
        return bare(res, 'pages/agent/password-forgot', { titleKey: 'agent.password.resetTitle', email, error: `Too many links asked for; try again in ${Math.ceil(err.retryAfterSeconds / 60)} minutes.` }, 429);
      }
      return bare(res, 'pages/agent/password-forgot', { titleKey: 'agent.password.checkTitle', sent: true, email });
    },
  });
  // The link only shows the form: mail scanners that fetch links must not use it up.
  defineRoute(r, s, {
    method: 'get', path: '/password/reset', tag: 'pages', summary: 'Choose a new password from a reset link',
    query: z.object({ token: z.string().max(200).default('') }), authorize: () => true,
    handler: async ({ res, query }) => (await resetLinkValid(s, query.token))
      ? bare(res, 'pages/agent/password-reset', { titleKey: 'agent.password.newTitle', token: query.token })
      : bare(res, 'pages/agent/password-forgot', { titleKey: 'agent.password.resetTitle', error: 'That link was used already or has expired. Ask for a new one.' }, 410),
  });
  defineRoute(r, s, {
    method: 'post', path: '/password/reset', tag: 'pages', summary: 'Set a new password with a reset link (single use); ends every session of the old one',
    form: true, authorize: () => true,
    handler: async ({ req, res }) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const token = String(body.token ?? '').slice(0, 200);
      try {
        await resetPassword(s, token, String(body.password ?? ''));
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        if (err.status === 410) return bare(res, 'pages/agent/password-forgot', { titleKey: 'agent.password.resetTitle', error: err.message }, 410);
        return bare(res, 'pages/agent/password-reset', { titleKey: 'agent.password.newTitle', token, fields: { password: err.message } }, 422);
      }
      return void res.redirect(303, '/login?reset=1');
    },
  });
}
