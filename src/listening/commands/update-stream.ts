import type { ListeningStream, ListeningStreamSettings } from '../../db/entities';
import { listeningStreamRepository } from '../../db/repositories/listening-stream.repository';
import { NotFoundError } from '../../errors';
import type { Services } from '../../services';
import { streamProblems, type UpdateStreamInput } from '../stream-input';
import { sealToken } from '../stream-secret';
import { checkInbox, refuse } from './stream-checks';

// A changed query, platform or address starts the search afresh (the old since-cursor belongs to
// another search); the poll outcome and the found posts stay.
export async function updateStream(s: Services, id: number, input: UpdateStreamInput): Promise<ListeningStream> {
  const current = await listeningStreamRepository.findById(s.db.m, id);
  if (!current) throw new NotFoundError('Listening stream');
  const q = current.query;
  const next = {
    platform: input.platform ?? current.platform, keywords: input.keywords ?? q.keywords, phrases: input.phrases ?? q.phrases, hashtags: input.hashtags ?? q.hashtags,
    exclusions: input.exclusions ?? q.exclusions, language: input.language !== undefined ? input.language : q.language,
    apiBaseUrl: input.apiBaseUrl !== undefined ? input.apiBaseUrl : current.settings?.apiBaseUrl ?? null,
  };
  const tokenStored = input.accessToken === null ? undefined : input.accessToken ? sealToken(s.config.secret, input.accessToken) : current.settings?.accessToken;
  const problems = streamProblems({ ...next, hasToken: !!tokenStored });
  if (Object.keys(problems).length) refuse(problems);
  const inboxId = input.inboxId !== undefined ? input.inboxId : current.settings?.inboxId ?? null;
  await checkInbox(s, next.platform, inboxId);
  const query = { keywords: next.keywords, phrases: next.phrases, hashtags: next.hashtags, exclusions: next.exclusions, language: next.language };
  const searchChanged = JSON.stringify(query) !== JSON.stringify(q) || next.platform !== current.platform || next.apiBaseUrl !== (current.settings?.apiBaseUrl ?? null);
  const settings: ListeningStreamSettings = {
    ...(next.apiBaseUrl ? { apiBaseUrl: next.apiBaseUrl } : {}), ...(tokenStored ? { accessToken: tokenStored } : {}),
    inboxId, autoTicket: input.autoTicket !== undefined ? input.autoTicket : current.settings?.autoTicket ?? null,
  };
  const patch: Partial<ListeningStream> = {
    name: input.name ?? current.name, platform: next.platform, query, settings, enabled: input.enabled ?? current.enabled,
    pollSeconds: input.pollSeconds ?? current.pollSeconds, updatedAt: s.now(),
    ...(searchChanged ? { cursor: null, nextPollAt: null } : {}),
    // Switching a stream back on, or changing its token, polls it at the next tick.
    ...((input.enabled && !current.enabled) || input.accessToken !== undefined ? { nextPollAt: null } : {}),
  };
  return s.db.transaction(async (tx) => {
    await listeningStreamRepository.update(tx.m, id, patch);
    tx.emit('listening.stream.changed', { streamId: id });
    return { ...current, ...patch };
  });
}

