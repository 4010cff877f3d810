import { compactNumber, duration } from '../agent-web/ticket-row';
import { hbarChart } from '../reports/svg-charts';
import type { LiveFigures } from './live-figures';

// The board as the template draws it: big numbers on top, then each figure as SVG bars with
// its table beside them. The same model renders the page and every live refresh.

type Cell = { text: string; numeric?: boolean; href?: string; tone?: string };
interface Block { name: string; title: string; svg: string | null; headers: { label: string; numeric: boolean }[]; rows: Cell[][]; empty: string }

const ticketCell = (id: number): Cell => ({ text: `#${id}`, href: `/tickets/${id}` });
const n = (v: number): Cell => ({ text: String(v), numeric: true });
const head = (...labels: string[]) => labels.map((l) => ({ label: l.replace(/^#/, ''), numeric: l.startsWith('#') }));
const W = { width: 440 };
const due = (inMs: number) => (inMs >= 0 ? `in ${duration(inMs)}` : `overdue ${duration(-inMs)}`);

export function presentLiveBoard(f: LiveFigures) {
  const openTotal = f.open.reduce((s, r) => s + r.total, 0);
  const longest = f.waiting[0];
  const available = f.agents.filter((a) => !a.away).length;
  const tiles = [
    { key: 'open', label: 'Open tickets', value: String(openTotal), note: `${f.open.reduce((s, r) => s + r.new + r.open, 0)} awaiting us` },
    { key: 'waiting', label: 'Longest wait', value: longest ? duration(longest.waitMs) : '—', note: longest ? `${longest.customer || 'a customer'} on ${longest.label}` : 'nobody is waiting' },
    { key: 'sla', label: 'First response due within 1 h', value: String(f.sla.atRisk), note: `${f.sla.overdue} overdue`, tone: f.sla.overdue ? 'bad' : f.sla.atRisk ? 'warn' : '' },
    { key: 'public', label: 'Unanswered public posts', value: String(f.public.total), note: `reach ${compactNumber(f.public.totalReach)}`, tone: f.public.total ? 'warn' : '' },
    { key: 'agents', label: 'Agents available', value: `${available} / ${f.agents.length}`, note: `${f.agents.length - available} away` },
  ];
  const blocks: Block[] = [
    {
      name: 'open', title: 'Open tickets per channel', empty: 'No open tickets.',
      svg: f.open.length ? hbarChart('Open tickets per channel', f.open.map((r) => ({ label: r.label, value: r.total })), { ...W, unit: 'open' }) : null,
      headers: head('Channel', '#New', '#Open', '#Pending', '#All open'),
      rows: f.open.map((r) => [{ text: r.label }, n(r.new), n(r.open), n(r.pending), n(r.total)]),
    },
    {
      name: 'waiting', title: 'Longest-waiting customer per channel', empty: 'No customer is waiting for an answer.',
      svg: f.waiting.length ? hbarChart('Longest wait per channel (minutes)', f.waiting.map((w) => ({ label: w.label, value: Math.round(w.waitMs / 60_000), text: duration(w.waitMs) })), W) : null,
      headers: head('Channel', 'Ticket', 'Customer', 'Subject', '#Waiting'),
      rows: f.waiting.map((w) => [{ text: w.label }, ticketCell(w.ticketId), { text: w.customer }, { text: w.subject }, { text: duration(w.waitMs), numeric: true }]),
    },
    {
      name: 'sla', title: 'First response due in the next hour', empty: 'Nothing falls due in the next hour.',
      svg: f.sla.byChannel.length ? hbarChart('Due within the hour per channel (overdue included)', f.sla.byChannel.map((r) => ({ label: r.label, value: r.atRisk + r.overdue })), { ...W, unit: 'due or overdue' }) : null,
      headers: head('Ticket', 'Subject', 'Channel', 'Assignee', '#Due'),
      rows: f.sla.tickets.map((t) => [ticketCell(t.ticketId), { text: t.subject }, { text: t.label }, { text: t.assignee ?? 'unassigned' }, { text: due(t.inMs), numeric: true, tone: t.inMs < 0 ? 'bad' : 'warn' }]),
    },
    {
      name: 'public', title: 'Unanswered public posts by reach', empty: 'Every public post has an answer.',
      svg: f.public.posts.length ? hbarChart('Reach of unanswered public posts', f.public.posts.map((p) => ({ label: `#${p.ticketId} ${p.author}`, value: p.reach, text: compactNumber(p.reach) })), { ...W, unit: 'followers' }) : null,
      headers: head('Ticket', 'Author', 'Subject', 'Channel', '#Reach', '#Waiting'),
      rows: f.public.posts.map((p) => [ticketCell(p.ticketId), { text: p.author }, { text: p.subject }, { text: p.label }, { text: compactNumber(p.reach), numeric: true }, { text: duration(p.waitMs), numeric: true }]),
    },
    {
      name: 'agents', title: 'Agents: available or away, and their open tickets', empty: 'No active agents.',
      svg: f.agents.length ? hbarChart('Open tickets per agent', f.agents.map((a) => ({ label: a.name, value: a.open })), { ...W, unit: 'open' }) : null,
      headers: head('Agent', 'Status', 'Signed in', '#Open tickets'),
      rows: f.agents.map((a) => [{ text: a.name }, { text: a.away ? 'away' : 'available', tone: a.away ? 'muted' : 'good' }, { text: a.online ? 'yes' : 'no' }, n(a.open)]),
    },
  ];
  return { asOf: new Date(f.at).toISOString(), asOfText: new Date(f.at).toISOString().slice(11, 16) + ' UTC', tiles, blocks };
}
