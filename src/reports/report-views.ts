import type { EntityManager } from 'typeorm';
import { agentRepository } from '../db/repositories/agent.repository';
import { BUCKET_MS, reportQueryRepository as q, type Counts, type FactFilters, type Spread } from '../db/repositories/report-query.repository';
import type { Period, ReportRange } from './report-range';
import { minutes, percent, round1, type ReportTable, type Row } from './report-table';
import { barChart, hbarChart, lineChart } from './svg-charts';
import { EXPORT_TEXT, type ReportText } from './report-text';
import { csatAverage, csatScore, csatView, CSAT_TABLES } from '../csat/csat-report';
import { csatReportRepository } from '../db/repositories/csat-report.repository';
import { selfServiceRepository } from '../db/repositories/self-service.repository';

export const VIEWS = ['overview', 'channels', 'agents', 'community', 'exposure', 'csat'] as const;
export type ReportView = (typeof VIEWS)[number];
export const VIEW_TITLES: Record<ReportView, string> = { overview: 'Overview', channels: 'Channels', agents: 'Agents and teams', community: 'Community', exposure: 'Public exposure', csat: 'Satisfaction (CSAT)' };

export interface Chart { table: string; title: string; svg: string }
export interface ViewData { tables: ReportTable[]; charts: Chart[] }
interface Ctx { m: EntityManager; range: ReportRange; filters: FactFilters; now: number; t: ReportText; locale: string }

export const CHANNEL_LABELS: Record<string, string> = {
  email: 'E-mail', webform: 'Web form', api: 'API', messenger: 'Messenger', instagram: 'Instagram', whatsapp: 'WhatsApp',
  telegram: 'Telegram', x: 'X', mastodon: 'Mastodon', bluesky: 'Bluesky', community: 'Community',
};
// A channel's name in the reader's language (CHANNEL_LABELS is the English one).
export const channelName = (t: ReportText, c: string) => (c in CHANNEL_LABELS ? t(`reports.channel.${c}`) : c);
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
const summaryColumns = (t: ReportText) => [
  { key: 'metric', label: t('reports.col.metric'), type: 'text' as const }, { key: 'unit', label: t('reports.col.unit'), type: 'text' as const },
  { key: 'value', label: t('reports.col.thisPeriod'), type: 'count' as const, prev: 'previous', prevLabel: t('reports.col.previousPeriod') }, { key: 'change', label: t('reports.col.change'), type: 'count' as const },
];

async function overview(c: Ctx): Promise<ViewData> {
  const { t } = c;
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
    name: 'summary', title: t('reports.table.thisPeriodBesideThePreviousOne'), columns: summaryColumns(c.t),
    rows: [
      metric(t('reports.metric.newTickets'), 'tickets', cur.totals.created, prev.totals.created),
      metric(t('reports.metric.repliesSent'), 'replies', cur.totals.replies, prev.totals.replies),
      metric(t('reports.metric.solved'), 'tickets', cur.totals.solved, prev.totals.solved),
      metric(t('reports.metric.reopened'), 'tickets', cur.totals.reopened, prev.totals.reopened),
      metric(t('reports.metric.backlogAtEnd'), 'tickets', cur.backlogEnd, prev.backlogEnd),
      metric(t('reports.metric.firstResponseMedian'), 'minutes', minutes(cur.frt.median), minutes(prev.frt.median)),
      // Business time counts only the hours of the ticket's calendar (tickets without one are left out).
      metric(t('reports.metric.firstResponseMedianInBusinessHours'), 'minutes', minutes(cur.frtBusiness.median), minutes(prev.frtBusiness.median)),
      metric(t('reports.metric.firstResponseP90'), 'minutes', minutes(cur.frt.p90), minutes(prev.frt.p90)),
      metric(t('reports.metric.resolutionMedian'), 'minutes', minutes(cur.res.median), minutes(prev.res.median)),
      metric(t('reports.metric.resolutionMedianInBusinessHours'), 'minutes', minutes(cur.resBusiness.median), minutes(prev.resBusiness.median)),
      metric(t('reports.metric.resolutionP90'), 'minutes', minutes(cur.res.p90), minutes(prev.res.p90)),
    ],
  };
  const days = c.range.current.days;
  const daily: ReportTable = {
    name: 'daily', title: t('reports.table.eachDay'),
    columns: [
      { key: 'date', label: t('reports.col.day'), type: 'text' }, { key: 'created', label: t('reports.col.new'), type: 'count' }, { key: 'replies', label: t('reports.col.replies'), type: 'count' },
      { key: 'solved', label: t('reports.col.solved'), type: 'count' }, { key: 'reopened', label: t('reports.col.reopened'), type: 'count' }, { key: 'backlog', label: t('reports.col.backlogAtEndOfDay'), type: 'count' },
    ],
    rows: days.map((d, i) => ({ date: d.date, created: cur.days[i].created, replies: cur.days[i].replies, solved: cur.days[i].solved, reopened: cur.days[i].reopened, backlog: cur.daily[i] })),
  };
  // Day labels along the axis: "12-03" in English as before, the reader's own order elsewhere ("03.12.").
  const label = (d: string) => (c.locale === 'en' ? d.slice(5) : new Intl.DateTimeFormat(c.locale, { day: '2-digit', month: '2-digit', timeZone: 'UTC' }).format(new Date(`${d}T00:00:00Z`)));
  return {
    tables: [summary, daily],
    charts: [
      { table: 'daily', title: t('reports.chart.newAndSolvedTicketsPerDay'), svg: lineChart(t('reports.chart.newAndSolvedTicketsPerDay'), [
        { name: t('reports.col.new'), points: days.map((d, i) => ({ label: label(d.date), value: cur.days[i].created })) },
        { name: t('reports.col.solved'), points: days.map((d, i) => ({ label: label(d.date), value: cur.days[i].solved })) },
      ], { locale: c.locale }) },
      { table: 'daily', title: t('reports.chart.backlogAtTheEndOfEachDay'), svg: barChart(t('reports.chart.backlogAtTheEndOfEachDay'), days.map((d, i) => ({ label: label(d.date), value: cur.daily[i] })), { unit: t('reports.chartUnit.openTickets'), locale: c.locale }) },
    ],
  };
}

async function channels(c: Ctx): Promise<ViewData> {
  const { t } = c;
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
      channel: channelName(t, k), created: x.created, createdPrev: y.created, replies: x.replies, repliesPrev: y.replies, solved: x.solved, solvedPrev: y.solved,
      reopened: x.reopened, reopenedPrev: y.reopened, backlog: bl.get(k) ?? 0, backlogPrev: blp.get(k) ?? 0,
      frtMedian: minutes(frt.get(k)?.median), frtMedianPrev: minutes(frtPrev.get(k)?.median), frtP90: minutes(frt.get(k)?.p90), frtP90Prev: minutes(frtPrev.get(k)?.p90),
      resMedian: minutes(res.get(k)?.median), resMedianPrev: minutes(resPrev.get(k)?.median), resP90: minutes(res.get(k)?.p90), resP90Prev: minutes(resPrev.get(k)?.p90),
    };
  });
  const table: ReportTable = {
    name: 'channels', title: t('reports.table.perChannelBesideThePreviousPeriod'),
    columns: [
      { key: 'channel', label: t('reports.col.channel'), type: 'text' }, { key: 'created', label: t('reports.col.new'), type: 'count', prev: 'createdPrev' },
      { key: 'replies', label: t('reports.col.replies'), type: 'count', prev: 'repliesPrev' }, { key: 'solved', label: t('reports.col.solved'), type: 'count', prev: 'solvedPrev' },
      { key: 'reopened', label: t('reports.col.reopened'), type: 'count', prev: 'reopenedPrev' }, { key: 'backlog', label: t('reports.col.backlogAtEnd'), type: 'count', prev: 'backlogPrev' },
      { key: 'frtMedian', label: t('reports.col.firstResponseMedian'), type: 'minutes', prev: 'frtMedianPrev' }, { key: 'frtP90', label: t('reports.col.firstResponseP90'), type: 'minutes', prev: 'frtP90Prev' },
      { key: 'resMedian', label: t('reports.col.resolutionMedian'), type: 'minutes', prev: 'resMedianPrev' }, { key: 'resP90', label: t('reports.col.resolutionP90'), type: 'minutes', prev: 'resP90Prev' },
    ],
    rows,
  };
  return {
    tables: [table],
    charts: [
      { table: 'channels', title: t('reports.chart.newTicketsPerChannel'), svg: hbarChart(t('reports.chart.newTicketsPerChannel'), rows.map((r) => ({ label: r.channel, value: r.created })), { unit: t('reports.chartUnit.tickets'), locale: c.locale }) },
      { table: 'channels', title: t('reports.chart.medianFirstResponsePerChannelMinutes'), svg: hbarChart(t('reports.chart.medianFirstResponsePerChannelMinutes'), rows.filter((r) => r.frtMedian !== null).map((r) => ({ label: r.channel, value: r.frtMedian! })), { unit: t('reports.chartUnit.min'), locale: c.locale }) },
    ],
  };
}

async function agents(c: Ctx): Promise<ViewData> {
  const { t } = c;
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
    { key: 'name', label: first, type: 'text' as const }, { key: 'handled', label: t('reports.col.ticketsHandled'), type: 'count' as const },
    { key: 'replies', label: t('reports.col.replies'), type: 'count' as const }, { key: 'solved', label: t('reports.col.solved'), type: 'count' as const },
    { key: 'frtMedian', label: t('reports.col.firstResponseMedian'), type: 'minutes' as const }, { key: 'resMedian', label: t('reports.col.resolutionMedian'), type: 'minutes' as const },
    { key: 'notes', label: t('reports.col.notesWritten'), type: 'count' as const },
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
    ...columns(t('reports.col.agent')),
    { key: 'mentions', label: t('reports.col.mentionsReceived'), type: 'count' as const }, { key: 'mentionsAnswered', label: t('reports.col.mentionsAnswered'), type: 'count' as const },
    { key: 'mentionMedian', label: t('reports.col.timeToAnswerAMentionMedian'), type: 'minutes' as const },
    { key: 'csat', label: t('reports.col.csatShareGood'), type: 'percent' as const }, { key: 'csatAverage', label: t('reports.col.averageRating1To3'), type: 'count' as const },
    { key: 'csatRatings', label: t('reports.col.csatRatings'), type: 'count' as const },
  ];
  return {
    tables: [
      { name: 'agents', title: t('reports.table.agents'), columns: agentColumns, rows: withMentions },
      { name: 'teams', title: t('reports.table.teams'), columns: columns(t('reports.col.team')), rows: rows(teamWork, teamName, frtT, resT) },
    ],
    charts: [
      { table: 'agents', title: t('reports.chart.repliesPerAgent'), svg: hbarChart(t('reports.chart.repliesPerAgent'), withMentions.map((r) => ({ label: r.name, value: r.replies })), { unit: t('reports.chartUnit.replies'), locale: c.locale }) },
      ...(withMentions.some((r) => r.mentions) ? [{ table: 'agents', title: t('reports.chart.mentionsAnsweredPerAgent'), svg: hbarChart(t('reports.chart.mentionsAnsweredPerAgent'), withMentions.filter((r) => r.mentions).map((r) => ({ label: r.name, value: r.mentionsAnswered, text: t('reports.chart.mentionsOf', { answered: r.mentionsAnswered, mentions: r.mentions }) })), { unit: t('reports.chartUnit.answered'), locale: c.locale }) }] : []),
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
  const { t } = c;
  const [cur, prev, top] = await Promise.all([communityPeriod(c, c.range.current), communityPeriod(c, c.range.previous), q.topContributors(c.m, c.range.current, c.filters)]);
  const summary: ReportTable = {
    name: 'summary', title: t('reports.table.communityQuestionsBesideThePreviousPeriod'), columns: summaryColumns(c.t),
    rows: [
      metric(t('reports.metric.questionsAsked'), 'questions', cur.asked, prev.asked),
      metric(t('reports.metric.answeredByTheCommunity'), 'percent', percent(cur.answered, cur.asked), percent(prev.answered, prev.asked)),
      metric(t('reports.metric.timeToFirstCommunityAnswerMedian'), 'minutes', minutes(cur.first.median), minutes(prev.first.median)),
      metric(t('reports.metric.timeToFirstCommunityAnswerP90'), 'minutes', minutes(cur.first.p90), minutes(prev.first.p90)),
      metric(t('reports.metric.acceptedCommunityAnswers'), 'answers', cur.accepted, prev.accepted),
      metric(t('reports.metric.solvedWithNoAgentReplyDeflection'), 'questions', cur.deflected, prev.deflected),
      metric(t('reports.metric.deflectionShareOfSolved'), 'percent', percent(cur.deflected, cur.solved), percent(prev.deflected, prev.solved)),
      // Questions that never became tickets: a suggestion on the ask or web form answered them.
      metric(t('reports.metric.answeredByASuggestionBeforeAsking'), 'questions', cur.selfServed, prev.selfServed),
    ],
  };
  const contributors: ReportTable = {
    name: 'contributors', title: t('reports.table.topContributorsByAcceptedAnswers'),
    columns: [{ key: 'name', label: t('reports.col.member'), type: 'text' }, { key: 'accepted', label: t('reports.col.acceptedAnswers'), type: 'count' }],
    rows: top.map((t) => ({ name: t.name, accepted: t.accepted })),
  };
  return { tables: [summary, contributors], charts: [{ table: 'contributors', title: t('reports.chart.acceptedAnswersPerMember'), svg: hbarChart(t('reports.chart.acceptedAnswersPerMember'), top.map((t) => ({ label: t.name, value: t.accepted })), { unit: t('reports.chartUnit.accepted'), locale: c.locale }) }] };
}

async function exposure(c: Ctx): Promise<ViewData> {
  const { t } = c;
  const end = (p: Period) => Math.min(p.to, c.now);
  const { current: cur, previous: prev } = c.range;
  const [a, b, worst] = await Promise.all([
    q.exposureTotals(c.m, cur, end(cur), c.filters), q.exposureTotals(c.m, prev, end(prev), c.filters), q.worstWaits(c.m, cur, end(cur), c.filters),
  ]);
  const rh = (v: number) => round1(v);
  const summary: ReportTable = {
    name: 'summary', title: t('reports.table.reachXHoursPublicPostsWaitedBesideThePreviousPeriod'), columns: summaryColumns(c.t),
    rows: [
      metric(t('reports.metric.publicPostsAnsweredAfterAWait'), 'posts', a.answered, b.answered),
      metric(t('reports.metric.reachHoursUntilAnswered'), 'reach-hours', rh(a.answeredReachHours), rh(b.answeredReachHours)),
      metric(t('reports.metric.publicPostsStillWaiting'), 'posts', a.waiting, b.waiting),
      metric(t('reports.metric.reachHoursStillWaiting'), 'reach-hours', rh(a.waitingReachHours), rh(b.waitingReachHours)),
      metric(t('reports.metric.reachHoursInAll'), 'reach-hours', rh(a.answeredReachHours + a.waitingReachHours), rh(b.answeredReachHours + b.waitingReachHours)),
    ],
  };
  const rows = worst.map((w) => ({ ticket: w.ticketId, subject: w.subject, channel: channelName(t, w.channel), reach: w.reach, hours: round1(w.waitMs / 3_600_000), reachHours: rh(w.reachHours), state: w.answered ? t('reports.col.stateAnswered') : t('reports.col.stateWaiting') }));
  const table: ReportTable = {
    name: 'worst', title: t('reports.table.worstWaits'),
    columns: [
      { key: 'ticket', label: t('reports.col.ticket'), type: 'ticket' }, { key: 'subject', label: t('reports.col.subject'), type: 'text' }, { key: 'channel', label: t('reports.col.channel'), type: 'text' },
      { key: 'reach', label: t('reports.col.reach'), type: 'count' }, { key: 'hours', label: t('reports.col.hoursWaited'), type: 'hours' }, { key: 'reachHours', label: t('reports.col.reachHours'), type: 'count' }, { key: 'state', label: t('reports.col.state'), type: 'text' },
    ],
    rows,
  };
  return { tables: [summary, table], charts: [{ table: 'worst', title: t('reports.chart.worstWaitsReachXHours'), svg: hbarChart(t('reports.chart.worstWaitsReachXHours'), rows.map((r) => ({ label: `#${r.ticket} ${r.subject}`, value: r.reachHours })), { unit: t('reports.chartUnit.reachHours'), locale: c.locale }) }] };
}

const csat = (c: Ctx): Promise<ViewData> => csatView(c.m, c.range, c.filters, (x) => channelName(c.t, x), c.t, c.locale);
const BUILDERS: Record<ReportView, (c: Ctx) => Promise<ViewData>> = { overview, channels, agents, community, exposure, csat };

// `t` and `locale`: the page's language; the CSV and JSON keep the English default.
export function buildView(view: ReportView, m: EntityManager, range: ReportRange, filters: FactFilters, now: number, t: ReportText = EXPORT_TEXT, locale = 'en'): Promise<ViewData> {
  return BUILDERS[view]({ m, range, filters, now, t, locale });
}

// The tables each view serves, for the CSV routes (declared up front so they show in OpenAPI).
export const VIEW_TABLES: Record<ReportView, string[]> = {
  overview: ['summary', 'daily'], channels: ['channels'], agents: ['agents', 'teams'], community: ['summary', 'contributors'], exposure: ['summary', 'worst'], csat: CSAT_TABLES,
};
