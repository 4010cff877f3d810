import { CHANNEL_KINDS } from '../db/entities';
import type { ReportQuery, ReportRange } from './report-range';
import { PRESETS } from './report-range';
import type { Cell, Column, ReportTable, Row } from './report-table';
import { channelName, VIEWS, type ReportView, type ViewData } from './report-views';
import { EXPORT_TEXT, type ReportText } from './report-text';

export const pagePath = (view: ReportView) => (view === 'overview' ? '/reports' : `/reports/${view}`);

// The query string that reproduces this report (filters kept when switching view or exporting).
export function queryString(q: ReportQuery): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  if (q.range !== 'custom') (p.delete('from'), p.delete('to'));
  const s = p.toString();
  return s ? `?${s}` : '';
}

// How the page writes numbers and durations: in the reader's language ("2,5 Min."), without
// thousands separators, as the tables always were (tiles and columns stay narrow).
interface Words { t: ReportText; num: (v: number) => string }
const wordsOf = (t: ReportText, locale: string): Words => {
  const f = new Intl.NumberFormat(locale, { maximumFractionDigits: 2, useGrouping: false });
  return { t, num: (v) => f.format(v) };
};

export function duration(min: number | null, w: Words = wordsOf(EXPORT_TEXT, 'en')): string {
  if (min === null) return '—';
  if (min < 60) return w.t('reports.duration.min', { m: w.num(min) });
  const total = Math.round(min);
  if (total < 1440) return w.t('reports.duration.hm', { h: Math.floor(total / 60), m: String(total % 60).padStart(2, '0') });
  return w.t('reports.duration.dh', { d: Math.floor(total / 1440), h: Math.floor((total % 1440) / 60) });
}

// Summary rows carry their unit; a minutes or percent row is shown as such.
function kindOf(c: Column, r: Row): Column['type'] {
  if (c.type === 'count' && r.unit === 'minutes') return 'minutes';
  if (c.type === 'count' && r.unit === 'percent') return 'percent';
  return c.type;
}

function show(w: Words, type: Column['type'], v: Cell): string {
  if (v === null || v === undefined) return '—';
  if (type === 'minutes') return duration(Number(v), w);
  if (type === 'percent') return `${w.num(Number(v))} %`;
  if (type === 'hours') return w.t('reports.duration.hours', { h: w.num(Number(v)) });
  // Ticket numbers are names, not amounts: no grouping.
  return typeof v === 'number' && type !== 'ticket' ? w.num(v) : String(v);
}

function delta(w: Words, type: Column['type'], v: Cell, p: Cell): { text: string; dir: string } | null {
  if (typeof v !== 'number' || typeof p !== 'number') return p === null || p === undefined ? { text: w.t('reports.delta.none'), dir: 'flat' } : null;
  const d = Math.round((v - p) * 10) / 10;
  const rel = p ? ` (${d > 0 ? '+' : ''}${w.num(Math.round((100 * d) / p))} %)` : '';
  const diff = type === 'minutes' ? duration(Math.abs(d), w) : type === 'percent' ? w.t('reports.delta.points', { n: w.num(Math.abs(d)) }) : w.num(Math.abs(d));
  const before = show(w, type, p);
  return { text: d === 0 ? w.t('reports.delta.same', { before }) : w.t('reports.delta.changed', { arrow: d > 0 ? '▲' : '▼', diff, rel, before }), dir: d > 0 ? 'up' : d < 0 ? 'down' : 'flat' };
}

function presentTable(w: Words, view: ReportView, t: ReportTable, qs: string, charts: { title: string; svg: string }[]) {
  const isSummary = t.columns.some((c) => c.key === 'metric');
  return {
    // A summary (metric, this period, previous) reads best as tiles; it is the same table.
    tiles: isSummary ? t.rows.map((r) => {
      const type = kindOf(t.columns[2], r);
      return { label: String(r.metric), value: show(w, type, r.value ?? null), delta: delta(w, type, r.value ?? null, r.previous ?? null) };
    }) : null,
    name: t.name, title: t.title, charts, csvHref: `/api/reports/${view}/${t.name}.csv${qs}`, jsonHref: `/api/reports/${view}${qs}`,
    headers: t.columns.map((c) => ({ label: c.label, numeric: c.type !== 'text' && c.type !== 'ticket' })),
    rows: t.rows.map((r) => t.columns.map((c) => {
      const type = kindOf(c, r);
      const v = r[c.key] ?? null;
      return { text: show(w, type, v), numeric: c.type !== 'text' && c.type !== 'ticket', href: c.type === 'ticket' && v !== null ? `/tickets/${v}` : null, ticket: c.type === 'ticket', delta: c.prev ? delta(w, type, v, r[c.prev] ?? null) : null };
    })),
    empty: t.rows.length === 0,
  };
}

export interface FilterChoices { inboxes: { id: number; name: string }[]; teams: { id: number; name: string }[]; agents: { id: number; name: string }[] }

// `data` was built in the page's language (buildView with the same `t`).
export function presentReportPage(view: ReportView, q: ReportQuery, range: ReportRange, data: ViewData, choices: FilterChoices, t: ReportText = EXPORT_TEXT, locale = 'en') {
  const w = wordsOf(t, locale);
  // Calendar days in the reader's language ("3. Dez. 2026"); the ISO day in English, as before.
  const day = (d: string) => (locale === 'en' ? d : new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${d}T00:00:00Z`)));
  const qs = queryString(q);
  const sel = (list: { id: number; name: string }[], current?: number) => list.map((x) => ({ id: x.id, name: x.name, selected: x.id === current }));
  const last = range.current.days[range.current.days.length - 1].date;
  const prevDays = range.previous.days;
  return {
    title: `${t('reports.title')} · ${t(`reports.views.${view}`)}`, nav: { reports: true }, view,
    tabs: VIEWS.map((v) => ({ title: t(`reports.views.${v}`), href: pagePath(v) + qs, on: v === view })),
    action: pagePath(view),
    presets: PRESETS.map((p) => ({ value: p, label: t(`reports.presets.${p}`), selected: p === q.range })),
    fromDate: range.fromDate, toDate: last, tz: q.tz,
    periodText: `${day(range.fromDate)} – ${day(last)} (${q.tz})`, previousText: `${day(prevDays[0].date)} – ${day(prevDays[prevDays.length - 1].date)}`,
    channels: [...CHANNEL_KINDS, 'community'].map((c) => ({ value: c, label: channelName(t, c), selected: c === q.channel })),
    inboxes: sel(choices.inboxes, q.inbox), teams: sel(choices.teams, q.team), agents: sel(choices.agents, q.agent), tag: q.tag ?? '',
    blocks: data.tables.map((x) => presentTable(w, view, x, qs, data.charts.filter((c) => c.table === x.name).map((c) => ({ title: c.title, svg: c.svg })))),
  };
}
