import { platformLabel } from './platform-label';
import type { EntityManager } from 'typeorm';
import { compactNumber } from '../agent-web/ticket-row';
import { EXPORT_TEXT, type ReportText } from '../reports/report-text';
import { listeningItemRepository, type ListeningCursor, type ListeningSort } from '../db/repositories/listening-item.repository';
import { presentListeningItems, type PresentedListeningItem } from './item.presenter';


// "12.5K" beside the author, the score in words (or "no score" where the language has no scorer).
export function itemView(p: PresentedListeningItem, t: ReportText = EXPORT_TEXT) {
  const s = p.sentiment;
  return {
    ...p, platformLabel: platformLabel(p.platform),
    reach: p.author.followers !== null ? t('reports.listening.followers', { n: compactNumber(p.author.followers) }) : t('reports.listening.reachUnknown'),
    sentimentText: s === null ? t('reports.listening.noScore') : s < 0 ? t('reports.listening.negative', { s }) : s > 0 ? t('reports.listening.positive', { s }) : t('reports.listening.neutral'),
    sentimentClass: s === null ? 'none' : s < 0 ? 'negative' : s > 0 ? 'positive' : 'neutral',
    who: p.author.name ?? (p.author.handle ? `@${p.author.handle}` : t('reports.listening.unknownAuthor')),
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
