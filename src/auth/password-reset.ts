import { agentRepository } from '../db/repositories/agent.repository';
import { outboxRepository } from '../db/repositories/outbox.repository';
import { sessionRepository } from '../db/repositories/session.repository';
import { AppError, RateLimitedError, ValidationError } from '../errors';
import { translate } from '../i18n/i18n';
import { chosenAgentLocale } from '../i18n/locale';
import type { Services } from '../services';
import { hashPassword } from './passwords';
import { hashToken, newToken } from './secrets';

export const RESET_PURPOSE = 'agent-password-reset';
export const RESET_TTL_MS = 30 * 60_000;
// Per address and per client, counted across the cluster (the same for known and unknown
// addresses, so the limit tells nothing either).
const PER_EMAIL: [number, number] = [3, 3600];
const PER_IP: [number, number] = [20, 3600];

// Sends a reset link to an active agent's own address; for any other address does the same
// checks and nothing else. The caller answers the same either way.
export async function requestPasswordReset(s: Services, email: string, ip: string | undefined): Promise<void> {
  const address = email.trim().toLowerCase();
  const wait = (await s.rateLimits.take('password-reset', `ip:${ip ?? '?'}`, ...PER_IP)) ?? (await s.rateLimits.take('password-reset', `email:${address}`, ...PER_EMAIL));
  if (wait !== null) throw new RateLimitedError(wait);
  const agent = await agentRepository.findByEmail(s.db.m, address);
  if (!agent?.active) return;
  const token = newToken();
  const now = s.now();
  const url = `${s.config.publicUrl}/password/reset?token=${token}`;
  // In the language the agent chose for the agent app (the request is signed out: no browser's).
  const locale = chosenAgentLocale(agent);
  await s.db.transaction(async ({ m }) => {
    await sessionRepository.insertOneTime(m, { tokenHash: hashToken(token), purpose: RESET_PURPOSE, subject: String(agent.id), expiresAt: now + RESET_TTL_MS, usedAt: null, createdAt: now });
    await outboxRepository.enqueue(m, {
      kind: 'notification.email', messageId: null, ticketId: null, inboxId: null,
      payload: { to: agent.email, subject: translate(locale, 'agent.mail.resetSubject'), template: 'password-reset', data: { locale, name: agent.name, url, minutes: RESET_TTL_MS / 60_000 } },
    }, now);
  });
}

export async function resetLinkValid(s: Services, token: string): Promise<boolean> {
  return !!token && !!(await sessionRepository.peekOneTime(s.db.m, hashToken(token), RESET_PURPOSE, s.now()));
}

// Uses the link once: a new password, and every session signed in with the old one ends. A
// refused password does not use up the link. The ended sessions' live sockets close too, on every
// node, as at sign-out: a stolen session must not keep listening after the owner took it back.
export async function resetPassword(s: Services, token: string, password: string): Promise<{ agentId: number }> {
  if (password.length < 8) throw new ValidationError('Use at least 8 characters.', { fields: { password: ['Use at least 8 characters.'] } });
  if (password.length > 200) throw new ValidationError('Use at most 200 characters.', { fields: { password: ['Use at most 200 characters.'] } });
  const passwordHash = await hashPassword(password);
  return s.db.transaction(async (tx) => {
    const { m } = tx;
    const used = await sessionRepository.consumeOneTime(m, hashToken(token), RESET_PURPOSE, s.now());
    const agent = used?.subject ? await agentRepository.findById(m, Number(used.subject)) : null;
    if (!agent?.active) throw new AppError(410, 'reset_link_used', 'That link was used already or has expired. Ask for a new one.');
    await agentRepository.update(m, agent.id, { passwordHash });
    for (const sessionHash of await sessionRepository.deleteForAgent(m, agent.id)) tx.emit('session.ended', { sessionHash });
    return { agentId: agent.id };
  });
}
