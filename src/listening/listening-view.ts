import { platformLabel } from './platform-label';
import type { EntityManager } from 'typeorm';
import { compactNumber } from '../agent-web/ticket-row';
import { listeningItemRepository, type ListeningCursor, type ListeningSort } from '../db/repositories/listening-item.repository';
import { presentListeningItems, type PresentedListeningItem } from './item.presenter';


// "12.5K" beside the author, the score in words (or "no score" where the language has no scorer).
export function itemView(p: PresentedListeningItem) {
  const s = p.sentiment;
  return {
    ...p, platformLabel: platformLabel(p.platform),
    reach: p.author.followers !== null ? `${compactNumber(p.author.followers)} followers` : 'reach unknown',
    sentimentText: s === null ? 'no score' : s < 0 ? `negative (${s})` : s > 0 ? `positive (${s})` : 'neutral (0)',
    sentimentClass: s === null ? 'none' : s < 0 ? 'negative' : s > 0 ? 'positive' : 'neutral',
    who: p.author.name ?? (p.author.handle ? `@${p.author.handle}` : 'unknown author'),
  };
}

export const cursorOf = (sort: ListeningSort, p: { id: number; priority: number; postedAt: string | null }): string =>
  `${sort === 'priority' ? p.priority : Date.parse(p.postedAt ?? '') || 0}.${p.id}`;

export function parseCursor(v: string | undefined): ListeningCursor | null {
  const m = v ? /^(\d+)\.(\d+)$/.exec(v) : null;
  return m ? { value: Number(m[1]), id: Number(m[2]) } : null;
}

// One page of the view and where the next one starts (null at the end).
export async function listeningPage(m: EntityManager, sort: ListeningSort, limit: number, after: string | undefined) {
  const rows = await listeningItemRepository.listNew(m, { sort, limit: limit + 1, after: parseCursor(after) });
  const items = await presentListeningItems(m, rows.slice(0, limit));
  return { items, next: rows.length > limit ? cursorOf(sort, items.at(-1)!) : null };
}
