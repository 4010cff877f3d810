import { compactNumber } from '../agent-web/ticket-row';
import { EXPORT_TEXT, type ReportText } from '../reports/report-text';
import { channelName } from '../reports/report-views';
import { hbarChart } from '../reports/svg-charts';
import type { LiveFigures } from './live-figures';

// The board as the template draws it: big numbers on top, then each figure as SVG bars with
// its table beside them. The same model renders the page and every live refresh (one board per
// language, each screen showing its own).

type Cell = { text: string; numeric?: boolean; href?: string; tone?: string };
interface Block { name: string; title: string; svg: string | null; headers: { label: string; numeric: boolean }[]; rows: Cell[][]; empty: string }

const ticketCell = (id: number): Cell => ({ text: `#${id}`, href: `/tickets/${id}` });
const head = (...labels: string[]) => labels.map((l) => ({ label: l.replace(/^#/, ''), numeric: l.startsWith('#') }));

// "2h 5m" in English as before, "2 Std. 5 Min." in German.
function durationIn(t: ReportText, ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 60) return t('reports.live.dur.m', { m: min });
  const h = Math.floor(min / 60);
  if (h < 10) return min % 60 ? t('reports.live.dur.hm', { h, m: min % 60 }) : t('reports.live.dur.h', { h });
  if (h < 48) return t('reports.live.dur.h', { h: Math.round(min / 60) });
  return t('reports.live.dur.d', { d: Math.round(min / 1440) });
}
// "12.3k" in English as before; the language's own short form elsewhere ("12.345" → "12.345", "1,2 Mio.").
const compactIn = (locale: string, v: number) => (locale === 'en' ? compactNumber(v) : new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(v));

export function presentLiveBoard(f: LiveFigures, t: ReportText = EXPORT_TEXT, locale = 'en') {
  const duration = (ms: number) => durationIn(t, ms);
  const num = (v: number) => new Intl.NumberFormat(locale, { useGrouping: false }).format(v);
  const n = (v: number): Cell => ({ text: num(v), numeric: true });
  const label = (channel: string) => channelName(t, channel);
  const due = (inMs: number) => (inMs >= 0 ? t('reports.live.dueIn', { d: duration(inMs) }) : t('reports.live.overdueBy', { d: duration(-inMs) }));
  const W = { width: 440, locale };
  const openTotal = f.open.reduce((s, r) => s + r.total, 0);
  const longest = f.waiting[0];
  const available = f.agents.filter((a) => !a.away).length;
  const tiles = [
    { key: 'open', label: t('reports.live.tileOpen'), value: num(openTotal), note: t('reports.live.awaitingUs', { n: num(f.open.reduce((s, r) => s + r.new + r.open, 0)) }) },
    { key: 'waiting', label: t('reports.live.tileWait'), value: longest ? duration(longest.waitMs) : '—', note: longest ? t('reports.live.waitingOn', { customer: longest.customer || t('reports.live.aCustomer'), channel: label(longest.channel) }) : t('reports.live.nobodyWaiting') },
    { key: 'sla', label: t('reports.live.tileSla'), value: num(f.sla.atRisk), note: t('reports.live.overdueCount', { n: num(f.sla.overdue) }), tone: f.sla.overdue ? 'bad' : f.sla.atRisk ? 'warn' : '' },
    { key: 'public', label: t('reports.live.tilePublic'), value: num(f.public.total), note: t('reports.live.reach', { n: compactIn(locale, f.public.totalReach) }), tone: f.public.total ? 'warn' : '' },
    { key: 'agents', label: t('reports.live.tileAgents'), value: `${num(available)} / ${num(f.agents.length)}`, note: t('reports.live.awayCount', { n: num(f.agents.length - available) }) },
  ];
  const blocks: Block[] = [
    {
      name: 'open', title: t('reports.live.openTitle'), empty: t('reports.live.openEmpty'),
      svg: f.open.length ? hbarChart(t('reports.live.openTitle'), f.open.map((r) => ({ label: label(r.channel), value: r.total })), { ...W, unit: t('reports.live.unitOpen') }) : null,
      headers: head(t('reports.live.colChannel'), `#${t('reports.live.colNew')}`, `#${t('reports.live.colOpen')}`, `#${t('reports.live.colPending')}`, `#${t('reports.live.colAllOpen')}`),
      rows: f.open.map((r) => [{ text: label(r.channel) }, n(r.new), n(r.open), n(r.pending), n(r.total)]),
    },
    {
      name: 'waiting', title: t('reports.live.waitingTitle'), empty: t('reports.live.waitingEmpty'),
      svg: f.waiting.length ? hbarChart(t('reports.live.waitingChart'), f.waiting.map((w) => ({ label: label(w.channel), value: Math.round(w.waitMs / 60_000), text: duration(w.waitMs) })), W) : null,
      headers: head(t('reports.live.colChannel'), t('reports.live.colTicket'), t('reports.live.colCustomer'), t('reports.live.colSubject'), `#${t('reports.live.colWaiting')}`),
      rows: f.waiting.map((w) => [{ text: label(w.channel) }, ticketCell(w.ticketId), { text: w.customer }, { text: w.subject }, { text: duration(w.waitMs), numeric: true }]),
    },
    {
      name: 'sla', title: t('reports.live.slaTitle'), empty: t('reports.live.slaEmpty'),
      svg: f.sla.byChannel.length ? hbarChart(t('reports.live.slaChart'), f.sla.byChannel.map((r) => ({ label: label(r.channel), value: r.atRisk + r.overdue })), { ...W, unit: t('reports.live.unitDue') }) : null,
      headers: head(t('reports.live.colTicket'), t('reports.live.colSubject'), t('reports.live.colChannel'), t('reports.live.colAssignee'), `#${t('reports.live.colDue')}`),
      rows: f.sla.tickets.map((x) => [ticketCell(x.ticketId), { text: x.subject }, { text: label(x.channel) }, { text: x.assignee ?? t('reports.live.unassigned') }, { text: due(x.inMs), numeric: true, tone: x.inMs < 0 ? 'bad' : 'warn' }]),
    },
    {
      name: 'public', title: t('reports.live.publicTitle'), empty: t('reports.live.publicEmpty'),
      svg: f.public.posts.length ? hbarChart(t('reports.live.publicChart'), f.public.posts.map((p) => ({ label: `#${p.ticketId} ${p.author}`, value: p.reach, text: compactIn(locale, p.reach) })), { ...W, unit: t('reports.live.unitFollowers') }) : null,
      headers: head(t('reports.live.colTicket'), t('reports.live.colAuthor'), t('reports.live.colSubject'), t('reports.live.colChannel'), `#${t('reports.live.colReach')}`, `#${t('reports.live.colWaiting')}`),
      rows: f.public.posts.map((p) => [ticketCell(p.ticketId), { text: p.author }, { text: p.subject }, { text: label(p.channel) }, { text: compactIn(locale, p.reach), numeric: true }, { text: duration(p.waitMs), numeric: true }]),
    },
    {
      name: 'agents', title: t('reports.live.agentsTitle'), empty: t('reports.live.agentsEmpty'),
      svg: f.agents.length ? hbarChart(t('reports.live.agentsChart'), f.agents.map((a) => ({ label: a.name, value: a.open })), { ...W, unit: t('reports.live.unitOpen') }) : null,
      headers: head(t('reports.live.colAgent'), t('reports.live.colStatus'), t('reports.live.colSignedIn'), `#${t('reports.live.colOpenTickets')}`),
      rows: f.agents.map((a) => [{ text: a.name }, { text: a.away ? t('reports.live.away') : t('reports.live.available'), tone: a.away ? 'muted' : 'good' }, { text: a.online ? t('reports.live.yes') : t('reports.live.no') }, n(a.open)]),
    },
  ];
  return { locale, asOf: new Date(f.at).toISOString(), asOfText: new Date(f.at).toISOString().slice(11, 16) + ' UTC', tiles, blocks };
}
