import type { Response, Router } from 'express';
import { z } from 'zod';
import { verifyPassword } from '../../auth/passwords';
import { hashToken } from '../../auth/secrets';
import { SESSION_COOKIE } from '../../auth/session.service';
import { createAgent } from '../../agents/create-agent';
import { agentRepository } from '../../db/repositories/agent.repository';
import { sessionRepository } from '../../db/repositories/session.repository';
import { AppError, UnauthorizedError } from '../../errors';
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
      const keys = [`email:${body.email.toLowerCase()}`, `ip:${req.ip}`];
      s.loginLimiter.check(keys);
      const agent = await agentRepository.findByEmail(s.db.m, body.email);
      if (!agent?.active || !(await verifyPassword(body.password, agent.passwordHash))) {
        s.loginLimiter.fail(keys);
        throw new UnauthorizedError('That e-mail and password do not match.');
      }
      s.loginLimiter.succeed(keys);
      const { sid, csrfToken, maxAgeMs } = await s.sessions.create({ agentId: agent.id });
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
      const used = await s.db.write((m) => sessionRepository.consumeOneTime(m, hashToken(body.token), 'setup', s.now()));
      if (!used) throw new AppError(410, 'setup_link_used', 'This setup link was used already or has expired. Restart Chorus to print a new one.');
      const agent = await createAgent(s.db, s.now(), { email: body.email, name: body.name, password: body.password, role: 'admin' });
      const { sid, csrfToken, maxAgeMs } = await s.sessions.create({ agentId: agent.id });
      setSessionCookie(s, res, sid, maxAgeMs);
      return { agent: { id: agent.id, name: agent.name, email: agent.email, role: agent.role }, csrfToken };
    },
    status: 201,
  });
}
