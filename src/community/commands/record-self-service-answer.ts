import { inboxRepository } from '../../db/repositories/inbox.repository';
import { selfServiceRepository } from '../../db/repositories/self-service.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { NotFoundError, RateLimitedError } from '../../errors';
import type { Services } from '../../services';

// Where the visitor was about to ask: the community's ask form, or the web form with this slug.
export type SuggestionSource = { kind: 'community' } | { kind: 'webform'; slug: string };

// Per address, an hour: enough for a family behind one router, too few to skew a report.
const PER_IP: [number, number] = [20, 3600];

// "This answered my question": counted once per click, for a solved public question only (the
// only kind suggestions offer), from a form that exists. Nothing of the visitor is stored.
export async function recordSelfServiceAnswer(s: Services, questionId: number, from: SuggestionSource, ip: string | undefined): Promise<void> {
  const q = await ticketRepository.findById(s.db.m, questionId);
  if (!q || q.visibility !== 'public' || q.status !== 'solved' || q.mergedIntoId) throw new NotFoundError('Question');
  let inboxId: number | null = null;
  if (from.kind === 'webform') {
    const form = (await inboxRepository.listByChannel(s.db.m, 'webform')).find((i) => (i.settings as { slug?: string } | null)?.slug === from.slug);
    if (!form) throw new NotFoundError('Form');
    inboxId = form.id;
  }
  const wait = await s.rateLimits.take('self-service', `ip:${ip ?? '?'}`, ...PER_IP);
  if (wait) throw new RateLimitedError(wait);
  await s.db.write((m) => selfServiceRepository.record(m, { questionId, source: from.kind, inboxId, at: s.now() }));
}
