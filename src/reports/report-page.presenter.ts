import { CHANNEL_KINDS } from '../db/entities';
import type { ReportQuery, ReportRange } from './report-range';
import { PRESETS } from './report-range';
import type { Cell, Column, ReportTable, Row } from './report-table';
import { CHANNEL_LABELS, VIEWS, VIEW_TITLES, type ReportView, type ViewData } from './report-views';

export const pagePath = (view: ReportView) => (view === 'overview' ? '/reports' : `/reports/${view}`);
const PRESET_LABELS: Record<string, string> = { today: 'Today', '7': 'Last 7 days', '30': 'Last 30 days', '90': 'Last 90 days', custom: 'Custom' };

// The query string that reproduces this report (filters kept when switching view or exporting).
export function queryString(q: ReportQuery): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  if (q.range !== 'custom') (p.delete('from'), p.delete('to'));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function duration(min: number | null): string {
  if (min === null) return '—';
  if (min < 60) return `${min} min`;
  const total = Math.round(min);
  if (total < 1440) return `${Math.floor(total / 60)} h ${String(total % 60).padStart(2, '0')} min`;
  return `${Math.floor(total / 1440)} d ${Math.floor((total % 1440) / 60)} h`;
}

// Summary rows carry their unit; a minutes or percent row is shown as such.
function kindOf(c: Column, r: Row): Column['type'] {
  if (c.type === 'count' && r.unit === 'minutes') return 'minutes';
  if (c.type === 'count' && r.unit === 'percent') return 'percent';
  return c.type;
}

function show(type: Column['type'], v: Cell): string {
  if (v === null || v === undefined) return '—';
  if (type === 'minutes') return duration(Number(v));
  if (type === 'percent') return `${v} %`;
  if (type === 'hours') return `${v} h`;
  return String(v);
}

function delta(type: Column['type'], v: Cell, p: Cell): { text: string; dir: string } | null {
  if (typeof v !== 'number' || typeof p !== 'number') return p === null || p === undefined ? { text: 'nothing to compare with', dir: 'flat' } : null;
  const d = Math.round((v - p) * 10) / 10;
  const rel = p ? ` (${d > 0 ? '+' : ''}${Math.round((100 * d) / p)} %)` : '';
  const diff = type === 'minutes' ? duration(Math.abs(d)) : type === 'percent' ? `${Math.abs(d)} pt` : String(Math.abs(d));
  return { text: d === 0 ? `same as before (${show(type, p)})` : `${d > 0 ? '▲' : '▼'} ${diff}${rel} vs ${show(type, p)}`, dir: d > 0 ? 'up' : d < 0 ? 'down' : 'flat' };
}

function presentTable(view: ReportView, t: ReportTable, qs: string, charts: { title: string; svg: string }[]) {
  const isSummary = t.columns.some((c) => c.key === 'metric');
  return {
    // A summary (metric, this period, previous) reads best as tiles; it is the same table.
    tiles: isSummary ? t.rows.map((r) => {
      const type = kindOf(t.columns[2], r);
      return { label: String(r.metric), value: show(type, r.value ?? null), delta: delta(type, r.value ?? null, r.previous ?? null) };
    }) : null,
    name: t.name, title: t.title, charts, csvHref: `/api/reports/${view}/${t.name}.csv${qs}`, jsonHref: `/api/reports/${view}${qs}`,
    headers: t.columns.map((c) => ({ label: c.label, numeric: c.type !== 'text' && c.type !== 'ticket' })),
    rows: t.rows.map((r) => t.columns.map((c) => {
      const type = kindOf(c, r);
      const v = r[c.key] ?? null;
      return { text: show(type, v), numeric: c.type !== 'text' && c.type !== 'ticket', href: c.type === 'ticket' && v !== null ? `/tickets/${v}` : null, ticket: c.type === 'ticket', delta: c.prev ? delta(type, v, r[c.prev] ?? null) : null };
    })),
    empty: t.rows.length === 0,
  };
}

export interface FilterChoices { inboxes: { id: number; name: string }[]; teams: { id: number; name: string }[]; agents: { id: number; name: string }[] }

export function presentReportPage(view: ReportView, q: ReportQuery, range: ReportRange, data: ViewData, choices: FilterChoices) {
  const qs = queryString(q);
  const sel = (list: { id: number; name: string }[], current?: number) => list.map((x) => ({ id: x.id, name: x.name, selected: x.id === current }));
  const last = range.current.days[range.current.days.length - 1].date;
  const prevDays = range.previous.days;
  return {
    title: `Reports · ${VIEW_TITLES[view]}`, nav: { reports: true }, view,
    tabs: VIEWS.map((v) => ({ title: VIEW_TITLES[v], href: pagePath(v) + qs, on: v === view })),
    action: pagePath(view),
    presets: PRESETS.map((p) => ({ value: p, label: PRESET_LABELS[p], selected: p === q.range })),
    fromDate: range.fromDate, toDate: last, tz: q.tz,
    periodText: `${range.fromDate} – ${last} (${q.tz})`, previousText: `${prevDays[0].date} – ${prevDays[prevDays.length - 1].date}`,
    channels: [...CHANNEL_KINDS, 'community'].map((c) => ({ value: c, label: CHANNEL_LABELS[c] ?? c, selected: c === q.channel })),
    inboxes: sel(choices.inboxes, q.inbox), teams: sel(choices.teams, q.team), agents: sel(choices.agents, q.agent), tag: q.tag ?? '',
    blocks: data.tables.map((t) => presentTable(view, t, qs, data.charts.filter((c) => c.table === t.name).map((c) => ({ title: c.title, svg: c.svg })))),
  };
}
