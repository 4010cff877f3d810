import type { Agent } from '../db/entities';
import { agentRepository } from '../db/repositories/agent.repository';
import { hashToken } from './secrets';
import { sessionRepository } from '../db/repositories/session.repository';
import { createAgent } from '../agents/create-agent';
import { AppError, UnauthorizedError } from '../errors';
import type { Services } from '../services';
import { verifyPassword } from './passwords';

export interface SignedIn {
  agent: Agent;
  sid: string;
  csrfToken: string;
  maxAgeMs: number;
}

// One sign-in for the JSON API and the sign-in page: rate-limited per e-mail and per IP, and
// the same answer for an unknown e-mail and a wrong password.
export async function signInAgent(s: Services, email: string, password: string, ip: string | undefined): Promise<SignedIn> {
  const keys = [`email:${email.toLowerCase()}`, `ip:${ip ?? '?'}`];
  s.loginLimiter.check(keys);
  const agent = await agentRepository.findByEmail(s.db.m, email);
  if (!agent?.active || !(await verifyPassword(password, agent.passwordHash))) {
    s.loginLimiter.fail(keys);
    throw new UnauthorizedError('That e-mail and password do not match.');
  }
  s.loginLimiter.succeed(keys);
  return { agent, ...(await s.sessions.create({ agentId: agent.id })) };
}

// First run: the one-time setup token creates the first admin and signs them in.
export async function completeSetup(s: Services, input: { token: string; name: string; email: string; password: string }): Promise<SignedIn> {
  const used = await s.db.write((m) => sessionRepository.consumeOneTime(m, hashToken(input.token), 'setup', s.now()));
  if (!used) throw new AppError(410, 'setup_link_used', 'This setup link was used already or has expired. Restart Chorus to print a new one.');
  const agent = await createAgent(s.db, s.now(), { email: input.email, name: input.name, password: input.password, role: 'admin' });
  return { agent, ...(await s.sessions.create({ agentId: agent.id })) };
}
