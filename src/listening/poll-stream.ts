import type { ListeningPlatform, ListeningStream } from '../db/entities';
import { contactRepository } from '../db/repositories/contact.repository';
import { listeningItemRepository } from '../db/repositories/listening-item.repository';
import { listeningStreamRepository } from '../db/repositories/listening-stream.repository';
import { messageRepository } from '../db/repositories/message.repository';
import type { Services } from '../services';
import { pollBlueskyStream } from './pollers/bluesky.poller';
import { pollMastodonStream } from './pollers/mastodon.poller';
import { pollXStream } from './pollers/x.poller';
import { PollRefused, type Poller } from './pollers/poller';
import { describeQuery, postMatches } from './stream-query';
import { openToken } from './stream-secret';

const pollers: Partial<Record<ListeningPlatform, Poller>> = { mastodon: pollMastodonStream, x: pollXStream, bluesky: pollBlueskyStream };

// Polls one stream and stores what it found in one transaction: one item per post (a post that
// already came as a mention points at its ticket), each new one announced by
// listening.item.created after the commit. The outcome (time, error in words, next poll) is
// kept on the stream either way.
export async function pollStream(s: Services, stream: ListeningStream, now: number): Promise<{ found: number; created: number; error: string | null }> {
  const poller = pollers[stream.platform];
  const regular = now + stream.pollSeconds * 1000;
  try {
    if (!poller) throw new PollRefused(`Polling ${stream.platform} is not available yet.`);
    // The poller gets the token opened; the stored one stays sealed.
    const token = openToken(s.config.secret, stream.settings?.accessToken);
    if (stream.settings?.accessToken && !token) throw new PollRefused('The stream\'s access token cannot be read (CHORUS_SECRET changed since it was saved); enter it again.');
    const r = await poller({ ...stream, settings: { ...stream.settings, accessToken: token } }, now);
    const query = describeQuery(stream.query);
    const posts = r.posts.filter((p) => postMatches(stream.query, p.text, p.language));
    let created = 0;
    await s.db.transaction(async (tx) => {
      for (const post of posts) {
        const mention = await messageRepository.findByExternalId(tx.m, post.platform, post.externalId);
        const u = await listeningItemRepository.upsertMatchedPost(tx.m, post, stream.id, query, now, mention?.ticketId ?? null, !!stream.settings?.autoTicket);
        if (u.created) {
          created++;
          tx.emit('listening.item.created', { itemId: u.itemId, streamId: stream.id });
        } else if (u.newMatch) tx.emit('listening.item.updated', { itemId: u.itemId, changes: ['matches'] });
        // Reach: the author's followers go on their identity when Chorus knows them already.
        if (post.authorId && post.authorFollowers != null) {
          const identity = await contactRepository.findIdentity(tx.m, post.platform, post.authorId);
          if (identity && identity.followers !== post.authorFollowers) await contactRepository.refreshIdentity(tx.m, identity.id, { followers: post.authorFollowers });
        }
      }
      await listeningStreamRepository.recordPoll(tx.m, stream.id, { lastPolledAt: now, lastError: null, nextPollAt: Math.max(regular, r.notBefore ?? 0), cursor: r.cursor });
      tx.emit('listening.stream.polled', { streamId: stream.id, found: posts.length, error: null });
    });
    return { found: posts.length, created, error: null };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    const notBefore = err instanceof PollRefused ? err.notBefore : undefined;
    await s.db.transaction(async (tx) => {
      await listeningStreamRepository.recordPoll(tx.m, stream.id, { lastPolledAt: now, lastError: error, nextPollAt: Math.max(regular, notBefore ?? 0) });
      tx.emit('listening.stream.polled', { streamId: stream.id, found: 0, error });
    });
    return { found: 0, created: 0, error };
  }
}

// Every due stream, once per cluster tick.
export async function pollDueStreams(s: Services, now: number): Promise<void> {
  for (const stream of await listeningStreamRepository.due(s.db.m, now)) await pollStream(s, stream, now);
}
