import type { EntityManager } from 'typeorm';
import { agentRepository } from '../db/repositories/agent.repository';
import { BUCKET_MS, reportQueryRepository as q, type Counts, type FactFilters, type Spread } from '../db/repositories/report-query.repository';
import type { Period, ReportRange } from './report-range';
import { minutes, percent, round1, type ReportTable, type Row } from './report-table';
import { barChart, hbarChart, lineChart } from './svg-charts';
import { csatAverage, csatScore, csatView, CSAT_TABLES } from '../csat/csat-report';
import { csatReportRepository } from '../db/repositories/csat-report.repository';
import { selfServiceRepository } from '../db/repositories/self-service.repository';

export const VIEWS = ['overview', 'channels', 'agents', 'community', 'exposure', 'csat'] as const;
export type ReportView = (typeof VIEWS)[number];
export const VIEW_TITLES: Record<ReportView, string> = { overview: 'Overview', channels: 'Channels', agents: 'Agents and teams', community: 'Community', exposure: 'Public exposure', csat: 'Satisfaction (CSAT)' };

export interface Chart { table: string; title: string; svg: string }
export interface ViewData { tables: ReportTable[]; charts: Chart[] }
interface Ctx { m: EntityManager; range: ReportRange; filters: FactFilters; now: number }

export const CHANNEL_LABELS: Record<string, string> = {
  email: 'E-mail', webform: 'Web form', api: 'API', messenger: 'Messenger', instagram: 'Instagram', whatsapp: 'WhatsApp',
  telegram: 'Telegram', x: 'X', mastodon: 'Mastodon', bluesky: 'Bluesky', community: 'Community',
};
const channelLabel = (c: string) => CHANNEL_LABELS[c] ?? c;
const ZERO: Counts = { created: 0, replies: 0, solved: 0, reopened: 0, backlogDelta: 0 };
const NO_SPREAD: Spread = { n: 0, median: null, p90: null };
const add = (a: Counts, b: Counts): Counts => ({ created: a.created + b.created, replies: a.replies + b.replies, solved: a.solved + b.solved, reopened: a.reopened + b.reopened, backlogDelta: a.backlogDelta + b.backlogDelta });

// One period's numbers out of reads made for both periods at once: `buckets` may span both (the
// period keeps its own days), `start` is the backlog when it begins, `spreads` its four measures.
function periodSummary(p: Period, buckets: (Counts & { bucket: number })[], start: number, [frt, res, frtB, resB]: Map<string, Spread>[]) {
  const days = p.days.map(() => ({ ...ZERO }));
  for (const b of buckets) {
    const at = b.bucket * BUCKET_MS;
    const i = p.days.findIndex((d) => at >= d.start && at < d.end);
    if (i >= 0) days[i] = add(days[i], b);
  }
  let backlog = start;
  const daily = days.map((d) => (backlog += d.backlogDelta));
  return { totals: days.reduce(add, { ...ZERO }), days, daily, backlogEnd: backlog, frt: frt.get('all') ?? NO_SPREAD, res: res.get('all') ?? NO_SPREAD,
    frtBusiness: frtB.get('all') ?? NO_SPREAD, resBusiness: resB.get('all') ?? NO_SPREAD };
}

// The four durations of the overview, per period.
const periodMeasures = (w: Period) => [
  { measure: 'first_response' as const, w }, { measure: 'resolution' as const, w },
  { measure: 'first_response' as const, w, business: true }, { measure: 'resolution' as const, w, business: true },
];

const change = (v: number | null, p: number | null) => (v === null || p === null ? null : round1(v - p));
const metric = (name: string, unit: string, v: number | null, p: number | null): Row => ({ metric: name, unit, value: v, previous: p, change: change(v, p) });
const summaryColumns = [
  { key: 'metric', label: 'Metric', type: 'text' as const }, { key: 'unit', label: 'Unit', type: 'text' as const },
  { key: 'value', label: 'This period', type: 'count' as const, prev: 'previous', prevLabel: 'Previous period' }, { key: 'change', label: 'Change', type: 'count' as const },
];

async function overview(c: Ctx): Promise<ViewData> {
  // Both periods in one read of the daily counts (with the backlog before them) and one set of
  // spread statements for all eight durations.
  const { previous: p, current: n } = c.range;
  const [{ backlog, buckets }, spreads] = await Promise.all([
    q.daysWithBacklog(c.m, { from: p.from, to: n.to, days: [...p.days, ...n.days] }, c.filters),
    q.spreads(c.m, [...periodMeasures(p), ...periodMeasures(n)], c.filters),
  ]);
  const prev = periodSummary(p, buckets, backlog, spreads.slice(0, 4));
  const cur = periodSummary(n, buckets, prev.backlogEnd, spreads.slice(4));
  const summary: ReportTable = {
    name: 'summary', title: 'This period beside the previous one', columns: summaryColumns,
    rows: [
      metric('New tickets', 'tickets', cur.totals.created, prev.totals.created),
      metric('Replies sent', 'replies', cur.totals.replies, prev.totals.replies),
      metric('Solved', 'tickets', cur.totals.solved, prev.totals.solved),
      metric('Reopened', 'tickets', cur.totals.reopened, prev.totals.reopened),
      metric('Backlog at end', 'tickets', cur.backlogEnd, prev.backlogEnd),
      metric('First response, median', 'minutes', minutes(cur.frt.median), minutes(prev.frt.median)),
      // Business time counts only the hours of the ticket's calendar (tickets without one are left out).
      metric('First response, median in business hours', 'minutes', minutes(cur.frtBusiness.median), minutes(prev.frtBusiness.median)),
      metric('First response, p90', 'minutes', minutes(cur.frt.p90), minutes(prev.frt.p90)),
      metric('Resolution, median', 'minutes', minutes(cur.res.median), minutes(prev.res.median)),
      metric('Resolution, median in business hours', 'minutes', minutes(cur.resBusiness.median), minutes(prev.resBusiness.median)),
      metric('Resolution, p90', 'minutes', minutes(cur.res.p90), minutes(prev.res.p90)),
    ],
  };
  const days = c.range.current.days;
  const daily: ReportTable = {
    name: 'daily', title: 'Each day',
    columns: [
      { key: 'date', label: 'Day', type: 'text' }, { key: 'created', label: 'New', type: 'count' }, { key: 'replies', label: 'Replies', type: 'count' },
      { key: 'solved', label: 'Solved', type: 'count' }, { key: 'reopened', label: 'Reopened', type: 'count' }, { key: 'backlog', label: 'Backlog at end of day', type: 'count' },
    ],
    rows: days.map((d, i) => ({ date: d.date, created: cur.days[i].created, replies: cur.days[i].replies, solved: cur.days[i].solved, reopened: cur.days[i].reopened, backlog: cur.daily[i] })),
  };
  const label = (d: string) => d.slice(5);
  return {
    tables: [summary, daily],
    charts: [
      { table: 'daily', title: 'New and solved tickets per day', svg: lineChart('New and solved tickets per day', [
        { name: 'New', points: days.map((d, i) => ({ label: label(d.date), value: cur.days[i].created })) },
        { name: 'Solved', points: days.map((d, i) => ({ label: label(d.date), value: cur.days[i].solved })) },
      ]) },
      { table: 'daily', title: 'Backlog at the end of each day', svg: barChart('Backlog at the end of each day', days.map((d, i) => ({ label: label(d.date), value: cur.daily[i] })), { unit: 'open tickets' }) },
    ],
  };
}

async function channels(c: Ctx): Promise<ViewData> {
  const { current: cur, previous: prev } = c.range;
  // Every channel's counts for both periods and the history before them in one read; the four
  // spreads (both measures, both periods, per channel) in one set of statements.
  const [{ before: history, spans: [before, now] }, [frt, frtPrev, res, resPrev]] = await Promise.all([
    q.countsBySpans(c.m, 'channel', [prev.from, cur.from, cur.to], c.filters),
    q.spreads(c.m, [{ measure: 'first_response', w: cur }, { measure: 'first_response', w: prev }, { measure: 'resolution', w: cur }, { measure: 'resolution', w: prev }], c.filters, 'channel'),
  ]);
  const by = <T extends { key: string }>(rows: T[]) => new Map(rows.map((r) => [r.key, r]));
  const [a, b, base] = [by(now), by(before), by(history)];
  // Backlog at the end of each period: what was open before the previous one, plus its moves.
  const blp = new Map([...new Set([...base.keys(), ...b.keys()])].map((k) => [k, (base.get(k)?.backlogDelta ?? 0) + (b.get(k)?.backlogDelta ?? 0)]));
  const bl = new Map([...new Set([...blp.keys(), ...a.keys()])].map((k) => [k, (blp.get(k) ?? 0) + (a.get(k)?.backlogDelta ?? 0)]));
  const keys = [...new Set([...a.keys(), ...b.keys(), ...frt.keys(), ...res.keys(), ...[...bl].filter(([, n]) => n).map(([k]) => k)])].sort();
  const rows = keys.map((k) => {
    const x = a.get(k) ?? ZERO;
    const y = b.get(k) ?? ZERO;
    return {
      channel: channelLabel(k), created: x.created, createdPrev: y.created, replies: x.replies, repliesPrev: y.replies, solved: x.solved, solvedPrev: y.solved,
      reopened: x.reopened, reopenedPrev: y.reopened, backlog: bl.get(k) ?? 0, backlogPrev: blp.get(k) ?? 0,
      frtMedian: minutes(frt.get(k)?.median), frtMedianPrev: minutes(frtPrev.get(k)?.median), frtP90: minutes(frt.get(k)?.p90), frtP90Prev: minutes(frtPrev.get(k)?.p90),
      resMedian: minutes(res.get(k)?.median), resMedianPrev: minutes(resPrev.get(k)?.median), resP90: minutes(res.get(k)?.p90), resP90Prev: minutes(resPrev.get(k)?.p90),
    };
  });
  const table: ReportTable = {
    name: 'channels', title: 'Per channel, beside the previous period',
    columns: [
      { key: 'channel', label: 'Channel', type: 'text' }, { key: 'created', label: 'New', type: 'count', prev: 'createdPrev' },
      { key: 'replies', label: 'Replies', type: 'count', prev: 'repliesPrev' }, { key: 'solved', label: 'Solved', type: 'count', prev: 'solvedPrev' },
      { key: 'reopened', label: 'Reopened', type: 'count', prev: 'reopenedPrev' }, { key: 'backlog', label: 'Backlog at end', type: 'count', prev: 'backlogPrev' },
      { key: 'frtMedian', label: 'First response median', type: 'minutes', prev: 'frtMedianPrev' }, { key: 'frtP90', label: 'First response p90', type: 'minutes', prev: 'frtP90Prev' },
      { key: 'resMedian', label: 'Resolution median', type: 'minutes', prev: 'resMedianPrev' }, { key: 'resP90', label: 'Resolution p90', type: 'minutes', prev: 'resP90Prev' },
    ],
    rows,
  };
  return {
    tables: [table],
    charts: [
      { table: 'channels', title: 'New tickets per channel', svg: hbarChart('New tickets per channel', rows.map((r) => ({ label: r.channel, value: r.created })), { unit: 'tickets' }) },
      { table: 'channels', title: 'Median first response per channel (minutes)', svg: hbarChart('Median first response per channel (minutes)', rows.filter((r) => r.frtMedian !== null).map((r) => ({ label: r.channel, value: r.frtMedian! })), { unit: 'min' }) },
    ],
  };
}

async function agents(c: Ctx): Promise<ViewData> {
  const p = c.range.current;
  const [agentList, teamList, work, teamWork, medians, mentions, csatA] = await Promise.all([
    agentRepository.list(c.m), agentRepository.listTeams(c.m), q.workBy(c.m, 'agent_id', p, c.filters), q.workBy(c.m, 'team_id', p, c.filters),
    // Only medians are shown per agent and team.
    q.medians(c.m, ['first_response', 'resolution'], p, c.filters, ['agent_id', 'team_id']),
    q.mentionsBy(c.m, p, c.filters), csatReportRepository.by(c.m, 'agent_id', p, c.filters),
  ]);
  const [frtA, resA, frtT, resT] = ['first_response:agent_id', 'resolution:agent_id', 'first_response:team_id', 'resolution:team_id'].map((k) => medians.get(k)!);
  const agentName = new Map(agentList.map((a) => [String(a.id), a.name]));
  const teamName = new Map(teamList.map((t) => [String(t.id), t.name]));
  const columns = (first: string) => [
    { key: 'name', label: first, type: 'text' as const }, { key: 'handled', label: 'Tickets handled', type: 'count' as const },
    { key: 'replies', label: 'Replies', type: 'count' as const }, { key: 'solved', label: 'Solved', type: 'count' as const },
    { key: 'frtMedian', label: 'First response median', type: 'minutes' as const }, { key: 'resMedian', label: 'Resolution median', type: 'minutes' as const },
    { key: 'notes', label: 'Notes written', type: 'count' as const },
  ];
  const rows = (list: typeof work, names: Map<string, string>, frt: Map<string, Spread>, res: Map<string, Spread>) =>
    list
      .map((w) => ({ name: names.get(w.key) ?? `#${w.key}`, handled: w.handled, replies: w.replies, solved: w.solved, frtMedian: minutes(frt.get(w.key)?.median), resMedian: minutes(res.get(w.key)?.median), notes: w.notes }))
      .sort((x, y) => y.handled - x.handled || x.name.localeCompare(y.name));
  // An agent who was only mentioned, or only rated (CSAT), in the period still has a row.
  const mentionedOnly = [...new Set([...mentions.keys(), ...csatA.keys()])].filter((k) => !work.some((w) => w.key === k)).map((key) => ({ key, handled: 0, replies: 0, notes: 0, solved: 0 }));
  const withMentions = [...work, ...mentionedOnly]
    .map((w) => {
      const [row] = rows([w], agentName, frtA, resA);
      const x = mentions.get(w.key);
      const sat = csatA.get(w.key);
      return { ...row, mentions: x?.received ?? 0, mentionsAnswered: x?.answered ?? 0, mentionMedian: minutes(x?.median ?? null), csat: sat ? csatScore(sat) : null, csatAverage: sat ? csatAverage(sat) : null, csatRatings: sat?.rated ?? 0 };
    })
    .sort((x, y) => y.handled - x.handled || x.name.localeCompare(y.name));
  const agentColumns = [
    ...columns('Agent'),
    { key: 'mentions', label: 'Mentions received', type: 'count' as const }, { key: 'mentionsAnswered', label: 'Mentions answered', type: 'count' as const },
    { key: 'mentionMedian', label: 'Time to answer a mention, median', type: 'minutes' as const },
    { key: 'csat', label: 'CSAT (share Good)', type: 'percent' as const }, { key: 'csatAverage', label: 'Average rating (1–3)', type: 'count' as const },
    { key: 'csatRatings', label: 'CSAT ratings', type: 'count' as const },
  ];
  return {
    tables: [
      { name: 'agents', title: 'Agents', columns: agentColumns, rows: withMentions },
      { name: 'teams', title: 'Teams', columns: columns('Team'), rows: rows(teamWork, teamName, frtT, resT) },
    ],
    charts: [
      { table: 'agents', title: 'Replies per agent', svg: hbarChart('Replies per agent', withMentions.map((r) => ({ label: r.name, value: r.replies })), { unit: 'replies' }) },
      ...(withMentions.some((r) => r.mentions) ? [{ table: 'agents', title: '@mentions answered per agent', svg: hbarChart('@mentions answered per agent', withMentions.filter((r) => r.mentions).map((r) => ({ label: r.name, value: r.mentionsAnswered, text: `${r.mentionsAnswered} of ${r.mentions}` })), { unit: 'answered' }) }] : []),
    ],
  };
}

async function communityPeriod(c: Ctx, p: Period) {
  const [k, first, selfServed] = await Promise.all([
    q.community(c.m, p, c.filters), q.spread(c.m, 'community_first_answer', p, c.filters, undefined, true), selfServiceRepository.countIn(c.m, p, c.filters),
  ]);
  return { ...k, first: first.get('all') ?? NO_SPREAD, selfServed };
}

async function community(c: Ctx): Promise<ViewData> {
  const [cur, prev, top] = await Promise.all([communityPeriod(c, c.range.current), communityPeriod(c, c.range.previous), q.topContributors(c.m, c.range.current, c.filters)]);
  const summary: ReportTable = {
    name: 'summary', title: 'Community questions beside the previous period', columns: summaryColumns,
    rows: [
      metric('Questions asked', 'questions', cur.asked, prev.asked),
      metric('Answered by the community', 'percent', percent(cur.answered, cur.asked), percent(prev.answered, prev.asked)),
      metric('Time to first community answer, median', 'minutes', minutes(cur.first.median), minutes(prev.first.median)),
      metric('Time to first community answer, p90', 'minutes', minutes(cur.first.p90), minutes(prev.first.p90)),
      metric('Accepted community answers', 'answers', cur.accepted, prev.accepted),
      metric('Solved with no agent reply (deflection)', 'questions', cur.deflected, prev.deflected),
      metric('Deflection share of solved', 'percent', percent(cur.deflected, cur.solved), percent(prev.deflected, prev.solved)),
      // Questions that never became tickets: a suggestion on the ask or web form answered them.
      metric('Answered by a suggestion before asking', 'questions', cur.selfServed, prev.selfServed),
    ],
  };
  const contributors: ReportTable = {
    name: 'contributors', title: 'Top contributors by accepted answers',
    columns: [{ key: 'name', label: 'Member', type: 'text' }, { key: 'accepted', label: 'Accepted answers', type: 'count' }],
    rows: top.map((t) => ({ name: t.name, accepted: t.accepted })),
  };
  return { tables: [summary, contributors], charts: [{ table: 'contributors', title: 'Accepted answers per member', svg: hbarChart('Accepted answers per member', top.map((t) => ({ label: t.name, value: t.accepted })), { unit: 'accepted' }) }] };
}

async function exposure(c: Ctx): Promise<ViewData> {
  const end = (p: Period) => Math.min(p.to, c.now);
  const { current: cur, previous: prev } = c.range;
  const [a, b, worst] = await Promise.all([
    q.exposureTotals(c.m, cur, end(cur), c.filters), q.exposureTotals(c.m, prev, end(prev), c.filters), q.worstWaits(c.m, cur, end(cur), c.filters),
  ]);
  const rh = (v: number) => round1(v);
  const summary: ReportTable = {
    name: 'summary', title: 'Reach × hours public posts waited, beside the previous period', columns: summaryColumns,
    rows: [
      metric('Public posts answered after a wait', 'posts', a.answered, b.answered),
      metric('Reach-hours until answered', 'reach-hours', rh(a.answeredReachHours), rh(b.answeredReachHours)),
      metric('Public posts still waiting', 'posts', a.waiting, b.waiting),
      metric('Reach-hours still waiting', 'reach-hours', rh(a.waitingReachHours), rh(b.waitingReachHours)),
      metric('Reach-hours in all', 'reach-hours', rh(a.answeredReachHours + a.waitingReachHours), rh(b.answeredReachHours + b.waitingReachHours)),
    ],
  };
  const rows = worst.map((w) => ({ ticket: w.ticketId, subject: w.subject, channel: channelLabel(w.channel), reach: w.reach, hours: round1(w.waitMs / 3_600_000), reachHours: rh(w.reachHours), state: w.answered ? 'answered' : 'still waiting' }));
  const table: ReportTable = {
    name: 'worst', title: 'Worst waits',
    columns: [
      { key: 'ticket', label: 'Ticket', type: 'ticket' }, { key: 'subject', label: 'Subject', type: 'text' }, { key: 'channel', label: 'Channel', type: 'text' },
      { key: 'reach', label: 'Reach', type: 'count' }, { key: 'hours', label: 'Hours waited', type: 'hours' }, { key: 'reachHours', label: 'Reach-hours', type: 'count' }, { key: 'state', label: 'State', type: 'text' },
    ],
    rows,
  };
  return { tables: [summary, table], charts: [{ table: 'worst', title: 'Worst waits (reach × hours)', svg: hbarChart('Worst waits (reach × hours)', rows.map((r) => ({ label: `#${r.ticket} ${r.subject}`, value: r.reachHours })), { unit: 'reach-hours' }) }] };
}

const csat = (c: Ctx): Promise<ViewData> => csatView(c.m, c.range, c.filters, channelLabel);
const BUILDERS: Record<ReportView, (c: Ctx) => Promise<ViewData>> = { overview, channels, agents, community, exposure, csat };

export function buildView(view: ReportView, m: EntityManager, range: ReportRange, filters: FactFilters, now: number): Promise<ViewData> {
  return BUILDERS[view]({ m, range, filters, now });
}

// The tables each view serves, for the CSV routes (declared up front so they show in OpenAPI).
export const VIEW_TABLES: Record<ReportView, string[]> = {
  overview: ['summary', 'daily'], channels: ['channels'], agents: ['agents', 'teams'], community: ['summary', 'contributors'], exposure: ['summary', 'worst'], csat: CSAT_TABLES,
};
