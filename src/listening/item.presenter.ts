import { z } from 'zod';
import type { EntityManager } from 'typeorm';
import { LISTENING_PLATFORMS, LISTENING_STATUSES, type ListeningItem } from '../db/entities';
import { listeningItemRepository } from '../db/repositories/listening-item.repository';
import { listeningStreamRepository } from '../db/repositories/listening-stream.repository';
import { isoOrNull } from '../http/presenters/time';

export const listeningItemSchema = z.object({
  id: z.number().int(), platform: z.enum(LISTENING_PLATFORMS), externalId: z.string(), url: z.string().nullable(),
  author: z.object({ id: z.string().nullable(), handle: z.string().nullable(), name: z.string().nullable(), url: z.string().nullable(), followers: z.number().int().nullable().describe('Reach: the author\'s followers when the platform told us') }),
  text: z.string(), language: z.string().nullable(),
  sentiment: z.number().nullable().describe('AFINN comparative score (negative is unhappy); null where the post\'s language is not supported'),
  status: z.enum(LISTENING_STATUSES), ticketId: z.number().int().nullable(), priority: z.number(),
  matches: z.array(z.object({
    streamId: z.number().int(), stream: z.string().nullable(), query: z.string(),
    ruleNote: z.string().nullable().describe('Why this stream\'s auto-ticket rule matched the post but made no ticket (null: it did not match, or it made one)'),
  })).describe('Every stream that found the post, with its query'),
  postedAt: z.string().nullable(), foundAt: z.string().nullable(),
});
export type PresentedListeningItem = z.infer<typeof listeningItemSchema>;

// Listened posts are public posts by people outside the company; an agent sees them whole. They
// carry no staff content (notes live on tickets), so one shape serves the page, API and socket.
export async function presentListeningItems(m: EntityManager, items: ListeningItem[]): Promise<PresentedListeningItem[]> {
  if (!items.length) return [];
  const [matches, streams] = await Promise.all([listeningItemRepository.matchesOf(m, items.map((i) => i.id)), listeningStreamRepository.list(m)]);
  const names = new Map(streams.map((x) => [x.id, x.name]));
  return items.map((i) => ({
    id: i.id, platform: i.platform, externalId: i.externalId, url: i.url,
    author: { id: i.authorId, handle: i.authorHandle, name: i.authorName, url: i.authorUrl, followers: i.authorFollowers },
    text: i.text, language: i.language, sentiment: i.sentiment, status: i.status, ticketId: i.ticketId, priority: i.priority,
    matches: matches.filter((x) => x.itemId === i.id).map((x) => ({ streamId: x.streamId, stream: names.get(x.streamId) ?? null, query: x.query, ruleNote: x.autoNote })),
    postedAt: isoOrNull(i.postedAt), foundAt: isoOrNull(i.foundAt),
  }));
}
