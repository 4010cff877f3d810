import type { ListeningStream, ListeningStreamSettings } from '../../db/entities';
import { listeningStreamRepository } from '../../db/repositories/listening-stream.repository';
import type { Services } from '../../services';
import { streamProblems, type CreateStreamInput } from '../stream-input';
import { sealToken } from '../stream-secret';
import { checkInbox, refuse } from './stream-checks';

// A new stream is polled at the next tick of the cluster's listening job.
export async function createStream(s: Services, input: CreateStreamInput, byAgentId: number | null): Promise<ListeningStream> {
  const token = input.accessToken || undefined;
  const problems = streamProblems({ ...input, hasToken: !!token });
  if (Object.keys(problems).length) refuse(problems);
  await checkInbox(s, input.platform, input.inboxId);
  const now = s.now();
  const settings: ListeningStreamSettings = {
    ...(input.apiBaseUrl ? { apiBaseUrl: input.apiBaseUrl } : {}), ...(token ? { accessToken: sealToken(s.config.secret, token) } : {}),
    inboxId: input.inboxId, autoTicket: input.autoTicket,
  };
  return s.db.transaction(async (tx) => {
    const stream = await listeningStreamRepository.insert(tx.m, {
      name: input.name, platform: input.platform,
      query: { keywords: input.keywords, phrases: input.phrases, hashtags: input.hashtags, exclusions: input.exclusions, language: input.language },
      settings, enabled: input.enabled, pollSeconds: input.pollSeconds, cursor: null, lastPolledAt: null, lastError: null, nextPollAt: null,
      createdBy: byAgentId, createdAt: now, updatedAt: now,
    });
    tx.emit('listening.stream.changed', { streamId: stream.id });
    return stream;
  });
}

