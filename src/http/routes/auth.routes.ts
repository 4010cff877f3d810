import type { Response, Router } from 'express';
import { z } from 'zod';
import { SESSION_COOKIE } from '../../auth/session.service';
import { completeSetup, signInAgent } from '../../auth/sign-in';
import type { Services } from '../../services';
import { defineRoute } from '../route';

export function setSessionCookie(s: Services, res: Response, sid: string, maxAgeMs: number): void {
  res.cookie(SESSION_COOKIE, sid, { httpOnly: true, sameSite: 'lax', secure: s.config.publicUrl.startsWith('https:'), maxAge: maxAgeMs, path: '/' });
}

export function authRoutes(r: Router, s: Services): void {
  defineRoute(r, s, {
    method: 'post', path: '/api/auth/login', tag: 'auth', summary: 'Sign in as an agent (sets the session cookie)',
    body: z.object({ email: z.email(), password: z.string().min(1) }),
    authorize: () => true,
    handler: async ({ body, req, res }) => {
      const { agent, sid, csrfToken, maxAgeMs } = await signInAgent(s, body.email, body.password, req.ip);
      setSessionCookie(s, res, sid, maxAgeMs);
      return { agent: { id: agent.id, name: agent.name, email: agent.email, role: agent.role }, csrfToken };
    },
  });

  defineRoute(r, s, {
    method: 'post', path: '/api/auth/logout', tag: 'auth', summary: 'Sign out',
    authorize: () => true,
    handler: async ({ req, res }) => {
      if (req.sessionId) await s.sessions.destroy(req.sessionId);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true };
    },
  });

  defineRoute(r, s, {
    method: 'get', path: '/api/auth/me', tag: 'auth', summary: 'Who am I (and the CSRF token for cookie sessions)',
    authorize: () => true,
    handler: ({ viewer, req }) => ({ viewer, csrfToken: req.csrfToken }),
  });

  // First run: the setup link printed at start creates the first admin.
  defineRoute(r, s, {
    method: 'post', path: '/api/setup', tag: 'auth', summary: 'Create the first admin with the one-time setup token',
    body: z.object({ token: z.string().min(10), name: z.string().min(1).max(100), email: z.email(), password: z.string().min(8, 'Use at least 8 characters') }),
    authorize: () => true,
    handler: async ({ body, res }) => {
      const { agent, sid, csrfToken, maxAgeMs } = await completeSetup(s, body);
      setSessionCookie(s, res, sid, maxAgeMs);
      return { agent: { id: agent.id, name: agent.name, email: agent.email, role: agent.role }, csrfToken };
    },
    status: 201,
  });
}
