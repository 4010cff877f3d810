import type { EntityManager } from 'typeorm';
import { agentRepository } from '../db/repositories/agent.repository';
import { inboxRepository } from '../db/repositories/inbox.repository';
import { savedViewRepository } from '../db/repositories/saved-view.repository';
import { ticketRepository } from '../db/repositories/ticket.repository';
import { ACTIVE, VIEWS, inboxHref, type InboxQuery, type ViewName } from './inbox-query';
import { channelLabel, channelLetter } from './ticket-row';

export type Counts = Record<string, number>;

// Live counts for the sidebar. Facets count tickets still to act on (new, open, pending).
export async function loadCounts(m: EntityManager, me: number): Promise<{ counts: Counts; inboxes: Map<string, number>; channels: Map<string, number>; teams: Map<string, number>; tags: { tag: string; n: number }[] }> {
  const names = (Object.keys(VIEWS) as ViewName[]).filter((v) => v !== 'all' && v !== 'active');
  const [viewCounts, inboxes, channels, teams, tags] = await Promise.all([
    Promise.all(names.map((v) => ticketRepository.count(m, VIEWS[v].filters(me)))),
    ticketRepository.countBy(m, { status: ACTIVE }, 'inbox_id'),
    ticketRepository.countBy(m, { status: ACTIVE }, 'channel'),
    ticketRepository.countBy(m, { status: ACTIVE }, 'team_id'),
    ticketRepository.tagCounts(m, { status: ACTIVE }, 15),
  ]);
  const counts: Counts = Object.fromEntries(names.map((v, i) => [v, viewCounts[i]]));
  for (const [k, n] of inboxes) counts[`inbox:${k}`] = n;
  for (const [k, n] of channels) counts[`channel:${k}`] = n;
  for (const [k, n] of teams) counts[`team:${k}`] = n;
  for (const t of tags) counts[`tag:${t.tag}`] = t.n;
  return { counts, inboxes, channels, teams, tags };
}

// Everything the inbox sidebar lists, with hrefs and counts ready for the template.
export async function loadSidebar(m: EntityManager, me: number, q: InboxQuery) {
  const [{ counts, channels, tags }, allInboxes, allTeams, saved] = await Promise.all([
    loadCounts(m, me), inboxRepository.list(m), agentRepository.listTeams(m), savedViewRepository.listForAgent(m, me),
  ]);
  const facet = (key: keyof InboxQuery, value: string | number) => q[key] !== undefined && String(q[key]) === String(value);
  const plain = !q.inbox && !q.channel && !q.team && !q.tag && !q.status;
  return {
    counts,
    views: (Object.keys(VIEWS) as ViewName[]).filter((v) => v !== 'all' && v !== 'active').map((v) => ({
      key: v, title: VIEWS[v].title, n: counts[v] ?? 0, href: inboxHref({ sort: q.sort }, { view: v }), on: plain && q.view === v,
    })),
    inboxes: allInboxes.map((i) => ({ key: `inbox:${i.id}`, title: i.name, n: counts[`inbox:${i.id}`] ?? 0, href: inboxHref({ sort: q.sort }, { view: 'active', inbox: i.id }), on: facet('inbox', i.id) })),
    channels: [...channels.keys()].sort().map((c) => ({ key: `channel:${c}`, title: channelLabel(c), letter: channelLetter(c), channel: c, n: counts[`channel:${c}`] ?? 0, href: inboxHref({ sort: q.sort }, { view: 'active', channel: c }), on: facet('channel', c) })),
    teams: allTeams.map((t) => ({ key: `team:${t.id}`, title: t.name, n: counts[`team:${t.id}`] ?? 0, href: inboxHref({ sort: q.sort }, { view: 'active', team: t.id }), on: facet('team', t.id) })),
    tags: tags.map((t) => ({ key: `tag:${t.tag}`, title: t.tag, n: t.n, href: inboxHref({ sort: q.sort }, { view: 'active', tag: t.tag }), on: facet('tag', t.tag) })),
    saved: saved.map((v) => ({ id: v.id, title: v.name, href: `/inbox?${v.query}` })),
  };
}
