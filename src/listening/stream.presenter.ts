import { z } from 'zod';
import type { EntityManager } from 'typeorm';
import { LISTENING_PLATFORMS, type ListeningStream } from '../db/entities';
import { listeningStreamRepository } from '../db/repositories/listening-stream.repository';
import { isoOrNull } from '../http/presenters/time';

const DAY_MS = 86_400_000;
// Finds per day shown for the last week.
export const PER_DAY_DAYS = 7;

export const streamSchema = z.object({
  id: z.number().int(), name: z.string(), platform: z.enum(LISTENING_PLATFORMS),
  keywords: z.array(z.string()), phrases: z.array(z.string()), hashtags: z.array(z.string()), exclusions: z.array(z.string()), language: z.string().nullable(),
  query: z.string().describe('The query in one line, as each match records it'),
  enabled: z.boolean(), pollSeconds: z.number().int(), apiBaseUrl: z.string().nullable(),
  tokenSet: z.boolean().describe('Whether an access token is stored (it is never presented)'),
  inboxId: z.number().int().nullable(), autoTicket: z.object({ minFollowers: z.number().int().nullable(), negative: z.boolean() }).nullable(),
  lastPolledAt: z.string().nullable(), lastError: z.string().nullable().describe('The last poll\'s failure in words; null after a good poll'),
  nextPollAt: z.string().nullable(),
  itemsPerDay: z.array(z.object({ day: z.string(), count: z.number().int() })).describe(`Posts found per UTC day, each of the last ${PER_DAY_DAYS} days (0 included: a stream gone quiet shows), newest first`),
  createdAt: z.string().nullable(), updatedAt: z.string().nullable(),
});
export type PresentedStream = z.infer<typeof streamSchema>;

// Never the token: whether one is set is all a page or the API learns.
export function presentStream(st: ListeningStream, perDay: { day: string; count: number }[] = []): PresentedStream {
  const q = st.query;
  return {
    id: st.id, name: st.name, platform: st.platform, keywords: q.keywords, phrases: q.phrases, hashtags: q.hashtags, exclusions: q.exclusions, language: q.language,
    query: [...q.keywords, ...q.phrases.map((p) => `"${p}"`), ...q.hashtags.map((h) => `#${h}`), ...q.exclusions.map((e) => `-${e}`), ...(q.language ? [`lang:${q.language}`] : [])].join(' '),
    enabled: st.enabled, pollSeconds: st.pollSeconds, apiBaseUrl: st.settings?.apiBaseUrl ?? null, tokenSet: !!st.settings?.accessToken,
    inboxId: st.settings?.inboxId ?? null, autoTicket: st.settings?.autoTicket ?? null,
    lastPolledAt: isoOrNull(st.lastPolledAt), lastError: st.lastError, nextPollAt: isoOrNull(st.nextPollAt), itemsPerDay: perDay,
    createdAt: isoOrNull(st.createdAt), updatedAt: isoOrNull(st.updatedAt),
  };
}

// Each stream with its finds per day (one grouped query for all of them).
export async function presentStreams(m: EntityManager, streams: ListeningStream[], now: number): Promise<PresentedStream[]> {
  const since = Math.floor(now / DAY_MS) * DAY_MS - (PER_DAY_DAYS - 1) * DAY_MS;
  const per = await listeningStreamRepository.itemsPerDay(m, streams.map((x) => x.id), since);
  const days = Array.from({ length: PER_DAY_DAYS }, (_, i) => new Date(since + (PER_DAY_DAYS - 1 - i) * DAY_MS).toISOString().slice(0, 10));
  return streams.map((x) => {
    const found = new Map((per.get(x.id) ?? []).map((d) => [d.day, d.count]));
    return presentStream(x, days.map((day) => ({ day, count: found.get(day) ?? 0 })));
  });
}
