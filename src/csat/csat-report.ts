import type { EntityManager } from 'typeorm';
import { agentRepository } from '../db/repositories/agent.repository';
import { csatReportRepository as q, type CsatCounts } from '../db/repositories/csat-report.repository';
import type { FactFilters } from '../db/repositories/report-query.repository';
import type { ReportRange } from '../reports/report-range';
import { percent, type ReportTable, type Row } from '../reports/report-table';
import { barChart, hbarChart } from '../reports/svg-charts';
import { SCORE_LABELS, scoreName } from './csat-links';

// The newest comments a page lists (the CSV and JSON carry the same rows).
export const COMMENT_LIMIT = 200;

const round2 = (v: number) => Math.round(v * 100) / 100;
// CSAT score: the share of ratings that were Good; average: 1 (bad) to 3 (good).
export const csatScore = (c: CsatCounts) => percent(c.good, c.rated);
export const csatAverage = (c: CsatCounts) => (c.rated ? round2(c.scoreSum / c.rated) : null);
const responseRate = (c: CsatCounts) => percent(c.rated, c.sent);

const metric = (name: string, unit: string, v: number | null, p: number | null): Row => ({ metric: name, unit, value: v, previous: p, change: v === null || p === null ? null : round2(v - p) });
const groupColumns = (first: string) => [
  { key: 'name', label: first, type: 'text' as const }, { key: 'sent', label: 'Surveys sent', type: 'count' as const },
  { key: 'rated', label: 'Ratings', type: 'count' as const }, { key: 'responseRate', label: 'Response rate', type: 'percent' as const },
  { key: 'score', label: 'CSAT (share Good)', type: 'percent' as const }, { key: 'average', label: 'Average rating (1–3)', type: 'count' as const },
  { key: 'good', label: 'Good', type: 'count' as const }, { key: 'okay', label: 'Okay', type: 'count' as const }, { key: 'bad', label: 'Bad', type: 'count' as const },
];
const groupRow = (name: string, c: CsatCounts): Row => ({ name, sent: c.sent, rated: c.rated, responseRate: responseRate(c), score: csatScore(c), average: csatAverage(c), good: c.good, okay: c.okay, bad: c.bad });

export async function csatView(m: EntityManager, range: ReportRange, filters: FactFilters, channelLabel: (c: string) => string) {
  const [cur, prev, byChannel, byAgent, comments, agents] = await Promise.all([
    q.totals(m, range.current, filters), q.totals(m, range.previous, filters), q.by(m, 'channel', range.current, filters), q.by(m, 'agent_id', range.current, filters),
    q.comments(m, range.current, filters, COMMENT_LIMIT), agentRepository.list(m),
  ]);
  const agentName = new Map(agents.map((a) => [String(a.id), a.name]));
  const summary: ReportTable = {
    name: 'summary', title: 'Satisfaction beside the previous period',
    columns: [
      { key: 'metric', label: 'Metric', type: 'text' }, { key: 'unit', label: 'Unit', type: 'text' },
      { key: 'value', label: 'This period', type: 'count', prev: 'previous', prevLabel: 'Previous period' }, { key: 'change', label: 'Change', type: 'count' },
    ],
    rows: [
      metric('Surveys sent', 'surveys', cur.sent, prev.sent),
      metric('Ratings received', 'ratings', cur.rated, prev.rated),
      metric('Response rate', 'percent', responseRate(cur), responseRate(prev)),
      metric('CSAT score (share rated Good)', 'percent', csatScore(cur), csatScore(prev)),
      metric('Average rating (1 bad – 3 good)', 'score', csatAverage(cur), csatAverage(prev)),
    ],
  };
  const dist = (['good', 'okay', 'bad'] as const).map((k) => ({ rating: SCORE_LABELS[k], ratings: cur[k], share: percent(cur[k], cur.rated) }));
  const distribution: ReportTable = {
    name: 'distribution', title: 'Ratings by answer',
    columns: [{ key: 'rating', label: 'Rating', type: 'text' }, { key: 'ratings', label: 'Ratings', type: 'count' }, { key: 'share', label: 'Share', type: 'percent' }],
    rows: dist,
  };
  const channelRows = [...byChannel].map(([k, c]) => groupRow(channelLabel(k), c)).sort((a, b) => Number(b.sent) - Number(a.sent) || String(a.name).localeCompare(String(b.name)));
  const agentRows = [...byAgent].map(([k, c]) => groupRow(agentName.get(k) ?? `#${k}`, c)).sort((a, b) => Number(b.sent) - Number(a.sent) || String(a.name).localeCompare(String(b.name)));
  const commentRows: ReportTable = {
    name: 'comments', title: `Comments (newest ${COMMENT_LIMIT})`,
    columns: [
      { key: 'ticket', label: 'Ticket', type: 'ticket' }, { key: 'date', label: 'Answered', type: 'text' }, { key: 'rating', label: 'Rating', type: 'text' },
      { key: 'channel', label: 'Channel', type: 'text' }, { key: 'agent', label: 'Agent', type: 'text' }, { key: 'comment', label: 'Comment', type: 'text' },
    ],
    rows: comments.map((c) => {
      const n = scoreName(c.score);
      return {
        ticket: c.ticketId, date: new Date(c.at).toLocaleDateString('en-CA', { timeZone: range.tz }), rating: n ? SCORE_LABELS[n] : String(c.score),
        channel: channelLabel(c.channel), agent: c.agentId === null ? '—' : agentName.get(String(c.agentId)) ?? `#${c.agentId}`, comment: c.comment,
      };
    }),
  };
  return {
    tables: [summary, distribution, { name: 'channels', title: 'Per channel', columns: groupColumns('Channel'), rows: channelRows }, { name: 'agents', title: 'Per agent (assignee, else the last agent who replied)', columns: groupColumns('Agent'), rows: agentRows }, commentRows],
    charts: [
      { table: 'distribution', title: 'Ratings by answer', svg: barChart('Ratings by answer', dist.map((d) => ({ label: d.rating, value: d.ratings })), { unit: 'ratings' }) },
      { table: 'channels', title: 'CSAT score per channel (share Good, %)', svg: hbarChart('CSAT score per channel (share Good, %)', channelRows.filter((r) => r.score !== null).map((r) => ({ label: String(r.name), value: Number(r.score) })), { unit: '%' }) },
      { table: 'agents', title: 'CSAT score per agent (share Good, %)', svg: hbarChart('CSAT score per agent (share Good, %)', agentRows.filter((r) => r.score !== null).map((r) => ({ label: String(r.name), value: Number(r.score) })), { unit: '%' }) },
    ],
  };
}

export const CSAT_TABLES = ['summary', 'distribution', 'channels', 'agents', 'comments'];
