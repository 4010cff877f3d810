import type { EntityManager } from 'typeorm';
import { agentRepository } from '../db/repositories/agent.repository';
import { csatReportRepository as q, type CsatCounts } from '../db/repositories/csat-report.repository';
import type { FactFilters } from '../db/repositories/report-query.repository';
import type { ReportRange } from '../reports/report-range';
import { percent, type ReportTable, type Row } from '../reports/report-table';
import { barChart, hbarChart } from '../reports/svg-charts';
import { scoreName } from './csat-links';
import type { ReportText } from '../reports/report-text';

// The newest comments a page lists (the CSV and JSON carry the same rows).
export const COMMENT_LIMIT = 200;

const round2 = (v: number) => Math.round(v * 100) / 100;
// CSAT score: the share of ratings that were Good; average: 1 (bad) to 3 (good).
export const csatScore = (c: CsatCounts) => percent(c.good, c.rated);
export const csatAverage = (c: CsatCounts) => (c.rated ? round2(c.scoreSum / c.rated) : null);
const responseRate = (c: CsatCounts) => percent(c.rated, c.sent);

const metric = (name: string, unit: string, v: number | null, p: number | null): Row => ({ metric: name, unit, value: v, previous: p, change: v === null || p === null ? null : round2(v - p) });
const groupColumns = (t: ReportText, first: string) => [
  { key: 'name', label: first, type: 'text' as const }, { key: 'sent', label: t('reports.col.surveysSent'), type: 'count' as const },
  { key: 'rated', label: t('reports.col.ratings'), type: 'count' as const }, { key: 'responseRate', label: t('reports.col.responseRate'), type: 'percent' as const },
  { key: 'score', label: t('reports.col.csatShareGood'), type: 'percent' as const }, { key: 'average', label: t('reports.col.averageRating1To3'), type: 'count' as const },
  { key: 'good', label: t('reports.col.good'), type: 'count' as const }, { key: 'okay', label: t('reports.col.okay'), type: 'count' as const }, { key: 'bad', label: t('reports.col.bad'), type: 'count' as const },
];
const groupRow = (name: string, c: CsatCounts): Row => ({ name, sent: c.sent, rated: c.rated, responseRate: responseRate(c), score: csatScore(c), average: csatAverage(c), good: c.good, okay: c.okay, bad: c.bad });

// Labels come from the catalogue in the reader's language (English for the CSV and JSON).
export async function csatView(m: EntityManager, range: ReportRange, filters: FactFilters, channelLabel: (c: string) => string, t: ReportText, locale = 'en') {
  const [cur, prev, byChannel, byAgent, comments, agents] = await Promise.all([
    q.totals(m, range.current, filters), q.totals(m, range.previous, filters), q.by(m, 'channel', range.current, filters), q.by(m, 'agent_id', range.current, filters),
    q.comments(m, range.current, filters, COMMENT_LIMIT), agentRepository.list(m),
  ]);
  const agentName = new Map(agents.map((a) => [String(a.id), a.name]));
  const summary: ReportTable = {
    name: 'summary', title: t('reports.table.satisfactionBesideThePreviousPeriod'),
    columns: [
      { key: 'metric', label: t('reports.col.metric'), type: 'text' }, { key: 'unit', label: t('reports.col.unit'), type: 'text' },
      { key: 'value', label: t('reports.col.thisPeriod'), type: 'count', prev: 'previous', prevLabel: t('reports.col.previousPeriod') }, { key: 'change', label: t('reports.col.change'), type: 'count' },
    ],
    rows: [
      metric(t('reports.metric.surveysSent'), 'surveys', cur.sent, prev.sent),
      metric(t('reports.metric.ratingsReceived'), 'ratings', cur.rated, prev.rated),
      metric(t('reports.metric.responseRate'), 'percent', responseRate(cur), responseRate(prev)),
      metric(t('reports.metric.csatScoreShareRatedGood'), 'percent', csatScore(cur), csatScore(prev)),
      metric(t('reports.metric.averageRating1BadTo3Good'), 'score', csatAverage(cur), csatAverage(prev)),
    ],
  };
  const dist = (['good', 'okay', 'bad'] as const).map((k) => ({ rating: t(`reports.col.${k}`), ratings: cur[k], share: percent(cur[k], cur.rated) }));
  const distribution: ReportTable = {
    name: 'distribution', title: t('reports.chart.ratingsByAnswer'),
    columns: [{ key: 'rating', label: t('reports.col.rating'), type: 'text' }, { key: 'ratings', label: t('reports.col.ratings'), type: 'count' }, { key: 'share', label: t('reports.col.share'), type: 'percent' }],
    rows: dist,
  };
  const channelRows = [...byChannel].map(([k, c]) => groupRow(channelLabel(k), c)).sort((a, b) => Number(b.sent) - Number(a.sent) || String(a.name).localeCompare(String(b.name)));
  const agentRows = [...byAgent].map(([k, c]) => groupRow(agentName.get(k) ?? `#${k}`, c)).sort((a, b) => Number(b.sent) - Number(a.sent) || String(a.name).localeCompare(String(b.name)));
  const commentRows: ReportTable = {
    name: 'comments', title: t('reports.table.comments', { n: COMMENT_LIMIT }),
    columns: [
      { key: 'ticket', label: t('reports.col.ticket'), type: 'ticket' }, { key: 'date', label: t('reports.col.answeredOn'), type: 'text' }, { key: 'rating', label: t('reports.col.rating'), type: 'text' },
      { key: 'channel', label: t('reports.col.channel'), type: 'text' }, { key: 'agent', label: t('reports.col.agent'), type: 'text' }, { key: 'comment', label: t('reports.col.comment'), type: 'text' },
    ],
    rows: comments.map((c) => {
      const n = scoreName(c.score);
      return {
        ticket: c.ticketId, date: new Date(c.at).toLocaleDateString('en-CA', { timeZone: range.tz }), rating: n ? t(`reports.col.${n}`) : String(c.score),
        channel: channelLabel(c.channel), agent: c.agentId === null ? '—' : agentName.get(String(c.agentId)) ?? `#${c.agentId}`, comment: c.comment,
      };
    }),
  };
  return {
    tables: [summary, distribution, { name: 'channels', title: t('reports.table.perChannel'), columns: groupColumns(t, t('reports.col.channel')), rows: channelRows }, { name: 'agents', title: t('reports.table.perAgentAssigneeElseTheLastAgentWhoReplied'), columns: groupColumns(t, t('reports.col.agent')), rows: agentRows }, commentRows],
    charts: [
      { table: 'distribution', title: t('reports.chart.ratingsByAnswer'), svg: barChart(t('reports.chart.ratingsByAnswer'), dist.map((d) => ({ label: d.rating, value: d.ratings })), { unit: t('reports.chartUnit.ratings'), locale }) },
      { table: 'channels', title: t('reports.chart.csatScorePerChannelShareGoodPct'), svg: hbarChart(t('reports.chart.csatScorePerChannelShareGoodPct'), channelRows.filter((r) => r.score !== null).map((r) => ({ label: String(r.name), value: Number(r.score) })), { unit: t('reports.chartUnit.pct'), locale }) },
      { table: 'agents', title: t('reports.chart.csatScorePerAgentShareGoodPct'), svg: hbarChart(t('reports.chart.csatScorePerAgentShareGoodPct'), agentRows.filter((r) => r.score !== null).map((r) => ({ label: String(r.name), value: Number(r.score) })), { unit: t('reports.chartUnit.pct'), locale }) },
    ],
  };
}

export const CSAT_TABLES = ['summary', 'distribution', 'channels', 'agents', 'comments'];
