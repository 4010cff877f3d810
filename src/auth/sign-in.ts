import type { Agent } from '../db/entities';
import { agentRepository } from '../db/repositories/agent.repository';
import { hashToken } from './secrets';
import { sessionRepository } from '../db/repositories/session.repository';
import { createAgent } from '../agents/create-agent';
import { AppError, RateLimitedError, UnauthorizedError } from '../errors';
import type { Services } from '../services';
import { verifyPassword } from './passwords';

export interface SignedIn {
  agent: Agent;
  sid: string;
  csrfToken: string;
  maxAgeMs: number;
}

// Ten failed sign-ins per address and per client in 15 minutes, counted across the cluster.
const LOGIN_FAILURES = 'login-failures';
const LOGIN_ALLOWANCE: [number, number] = [10, 15 * 60];

// One sign-in for the JSON API and the sign-in page: rate-limited per e-mail and per IP, and
// the same answer for an unknown e-mail and a wrong password.
export async function signInAgent(s: Services, email: string, password: string, ip: string | undefined): Promise<SignedIn> {
  const keys = [`email:${email.toLowerCase()}`, `ip:${ip ?? '?'}`];
  for (const k of keys) {
    const wait = await s.rateLimits.check(LOGIN_FAILURES, k, ...LOGIN_ALLOWANCE);
    if (wait !== null) throw new RateLimitedError(wait);
  }
  const agent = await agentRepository.findByEmail(s.db.m, email);
  if (!agent?.active || !(await verifyPassword(password, agent.passwordHash))) {
    for (const k of keys) await s.rateLimits.take(LOGIN_FAILURES, k, ...LOGIN_ALLOWANCE);
    throw new UnauthorizedError('That e-mail and password do not match.');
  }
  for (const k of keys) await s.rateLimits.reset(LOGIN_FAILURES, k, ...LOGIN_ALLOWANCE);
  return { agent, ...(await s.sessions.create({ agentId: agent.id })) };
}

// First run: the one-time setup token creates the first admin and signs them in.
export async function completeSetup(s: Services, input: { token: string; name: string; email: string; password: string }): Promise<SignedIn> {
  const used = await s.db.write((m) => sessionRepository.consumeOneTime(m, hashToken(input.token), 'setup', s.now()));
  if (!used) throw new AppError(410, 'setup_link_used', 'This setup link was used already or has expired. Restart Chorus to print a new one.');
  const agent = await createAgent(s.db, s.now(), { email: input.email, name: input.name, password: input.password, role: 'admin' });
  return { agent, ...(await s.sessions.create({ agentId: agent.id })) };
}
