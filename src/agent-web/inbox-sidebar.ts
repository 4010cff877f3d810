import type { EntityManager } from 'typeorm';
import { agentRepository } from '../db/repositories/agent.repository';
import { inboxRepository } from '../db/repositories/inbox.repository';
import { savedViewRepository } from '../db/repositories/saved-view.repository';
import { ticketRepository, type CountGroup, type TicketFilters } from '../db/repositories/ticket.repository';
import { ticketCountRepository } from '../db/repositories/ticket-count.repository';
import { ACTIVE, VIEWS, inboxHref, type InboxQuery, type ViewName } from './inbox-query';
import type { Services } from '../services';
import { sharedCountsOf } from './shared-counts';
import { channelLabel } from './ticket-row';
import { translate } from '../i18n/i18n';

export type Counts = Record<string, number>;
const SIDEBAR_VIEWS = (Object.keys(VIEWS) as ViewName[]).filter((v) => v !== 'all' && v !== 'active');

// Sums the kept count groups for a filter; undefined when the filter needs a query (a tag,
// a visibility, a requester, a priority, …).
export function countFromGroups(groups: CountGroup[], f: TicketFilters): number | undefined {
  if (f.tag || f.ids || f.visibility || f.requesterId !== undefined || f.priority || f.hasSla !== undefined) return undefined;
  return groups.reduce((n, g) => n + (
    (!f.status || f.status.includes(g.status)) && (f.assigneeId === undefined || (f.assigneeId === null ? g.unassigned : g.assigneeId === f.assigneeId))
    && (f.inboxId === undefined || g.inboxId === f.inboxId)
    && (!f.channel || g.channel === f.channel) && (f.teamId === undefined || g.teamId === f.teamId) && (f.automatic === undefined || g.automatic === f.automatic)
    && (f.snoozed === undefined || g.snoozed === f.snoozed) ? g.n : 0), 0);
}

// A view the kept counts cannot answer (a tag with other filters) is counted up to this many;
// above it the page says "1,000+".
export const COUNT_CAP = 1000;
export const totalText = (n: number, locale = 'en'): string => (n > COUNT_CAP ? `${COUNT_CAP.toLocaleString(locale)}+` : String(n));

// Sidebar counts from the kept counters (src/tickets/kept-counts.ts): every view, inbox,
// channel, team, "mine" and the most used tags, without counting tickets. Facets count tickets
// still to act on (new, open, pending), automatic and snoozed ones left out.
export async function loadCounts(s: Services, me: number) {
  const { groups, tags } = await sharedCountsOf(s).get(s.db.m);
  const counts: Counts = {};
  for (const v of SIDEBAR_VIEWS) counts[v] = countFromGroups(groups, VIEWS[v].filters(me))!;
  const channels = new Set<string>();
  for (const g of groups) {
    if (!ACTIVE.includes(g.status) || g.automatic || g.snoozed) continue;
    counts[`inbox:${g.inboxId}`] = (counts[`inbox:${g.inboxId}`] ?? 0) + g.n;
    counts[`channel:${g.channel}`] = (counts[`channel:${g.channel}`] ?? 0) + g.n;
    if (g.teamId !== null) counts[`team:${g.teamId}`] = (counts[`team:${g.teamId}`] ?? 0) + g.n;
    channels.add(g.channel);
  }
  for (const t of tags) counts[`tag:${t.tag}`] = t.n;
  return { counts, groups, channels: [...channels].sort(), tags };
}

// The number of tickets in the current view, from the kept counts when they can answer it.
// A tag facet (the tag among tickets still to do) is a kept count too; a tag with other filters
// is counted up to COUNT_CAP (COUNT_CAP + 1 means more).
export async function totalOf(m: EntityManager, counts: { groups: CountGroup[]; tags: { tag: string; n: number }[] }, f: TicketFilters): Promise<number> {
  const { tag, status, automatic, snoozed, ...rest } = f;
  const facetOnly = tag && automatic === false && snoozed === false && Object.keys(rest).length === 0 && status?.length === ACTIVE.length && ACTIVE.every((x) => status.includes(x));
  if (facetOnly) return counts.tags.find((t) => t.tag === tag)?.n ?? ticketCountRepository.tagCount(m, tag);
  return countFromGroups(counts.groups, f) ?? ticketRepository.countUpTo(m, f, COUNT_CAP);
}

// Everything the inbox sidebar lists, with hrefs and counts ready for the template.
export async function loadSidebar(s: Services, me: number, q: InboxQuery, locale = 'en') {
  const m = s.db.m;
  const [{ counts, groups, channels, tags }, allInboxes, allTeams, saved] = await Promise.all([
    loadCounts(s, me), inboxRepository.list(m), agentRepository.listTeams(m), savedViewRepository.listForAgent(m, me),
  ]);
  const facet = (key: keyof InboxQuery, value: string | number) => q[key] !== undefined && String(q[key]) === String(value);
  const plain = !q.inbox && !q.channel && !q.team && !q.tag && !q.status;
  const link = (change: Partial<Record<keyof InboxQuery, string | number>>) => inboxHref({ sort: q.sort }, change);
  return {
    counts,
    // What totalOf needs to count the current view without another query.
    totals: { groups, tags },
    views: SIDEBAR_VIEWS.map((v) => ({ key: v, title: translate(locale, `agent.views.${v}`, { defaultValue: VIEWS[v].title }), n: counts[v] ?? 0, href: link({ view: v }), on: plain && q.view === v })),
    inboxes: allInboxes.map((i) => ({ key: `inbox:${i.id}`, title: i.name, n: counts[`inbox:${i.id}`] ?? 0, href: link({ view: 'active', inbox: i.id }), on: facet('inbox', i.id) })),
    channels: channels.map((c) => ({ key: `channel:${c}`, title: channelLabel(c, locale), channel: c, n: counts[`channel:${c}`] ?? 0, href: link({ view: 'active', channel: c }), on: facet('channel', c) })),
    teams: allTeams.map((t) => ({ id: t.id, key: `team:${t.id}`, title: t.name, n: counts[`team:${t.id}`] ?? 0, href: link({ view: 'active', team: t.id }), on: facet('team', t.id) })),
    tags: tags.map((t) => ({ key: `tag:${t.tag}`, title: t.tag, n: t.n, href: link({ view: 'active', tag: t.tag }), on: facet('tag', t.tag) })),
    saved: saved.map((v) => ({ id: v.id, title: v.name, href: `/inbox?${v.query}` })),
  };
}
