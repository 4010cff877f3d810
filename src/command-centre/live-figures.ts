import type { EntityManager } from 'typeorm';
import { agentRepository } from '../db/repositories/agent.repository';
import { liveFiguresRepository as q } from '../db/repositories/live-figures.repository';
import { CHANNEL_LABELS } from '../reports/report-views';

// What the command centre shows, computed once per refresh for every screen watching it.

export const SLA_HORIZON_MS = 3_600_000;
const channelLabel = (c: string) => CHANNEL_LABELS[c] ?? c;

export interface LiveFigures {
  at: number;
  open: { channel: string; label: string; new: number; open: number; pending: number; total: number }[];
  waiting: { channel: string; label: string; ticketId: number; subject: string; customer: string; since: number; waitMs: number }[];
  sla: {
    atRisk: number; overdue: number;
    byChannel: { channel: string; label: string; atRisk: number; overdue: number }[];
    tickets: { ticketId: number; subject: string; channel: string; label: string; dueAt: number; inMs: number; assignee: string | null }[];
  };
  public: { total: number; totalReach: number; posts: { ticketId: number; subject: string; channel: string; label: string; author: string; reach: number; since: number; waitMs: number }[] };
  agents: { id: number; name: string; away: boolean; online: boolean; open: number }[];
}

// `online`: agents with a socket open anywhere in the cluster (null when no socket server runs).
export async function computeLiveFigures(m: EntityManager, now: number, online: Set<number> | null): Promise<LiveFigures> {
  const [open, waiting, due, dueCounts, pub, load, agents] = await Promise.all([
    q.openByChannel(m), q.longestWaiting(m), q.dueBefore(m, now + SLA_HORIZON_MS, 20), q.dueCountsBefore(m, now, now + SLA_HORIZON_MS),
    q.unansweredPublic(m, 10), q.openLoad(m), agentRepository.list(m),
  ]);
  const perChannel = new Map<string, LiveFigures['open'][number]>();
  for (const r of open) {
    const row = perChannel.get(r.channel) ?? { channel: r.channel, label: channelLabel(r.channel), new: 0, open: 0, pending: 0, total: 0 };
    if (r.status === 'new' || r.status === 'open' || r.status === 'pending') row[r.status] += r.n;
    row.total += r.n;
    perChannel.set(r.channel, row);
  }
  const names = new Map(agents.map((a) => [a.id, a.name]));
  const loads = new Map(load.map((l) => [l.agentId, l.open]));
  return {
    at: now,
    open: [...perChannel.values()].sort((a, b) => b.total - a.total || a.label.localeCompare(b.label)),
    waiting: waiting
      .map((w) => ({ channel: w.channel, label: channelLabel(w.channel), ticketId: w.ticketId, subject: w.subject, customer: w.requesterName, since: w.since, waitMs: Math.max(0, now - w.since) }))
      .sort((a, b) => b.waitMs - a.waitMs || a.ticketId - b.ticketId),
    sla: {
      atRisk: dueCounts.reduce((s, r) => s + r.atRisk, 0),
      overdue: dueCounts.reduce((s, r) => s + r.overdue, 0),
      byChannel: dueCounts.map((r) => ({ ...r, label: channelLabel(r.channel) })).sort((a, b) => b.atRisk + b.overdue - (a.atRisk + a.overdue) || a.label.localeCompare(b.label)),
      tickets: due.map((d) => ({ ticketId: d.ticketId, subject: d.subject, channel: d.channel, label: channelLabel(d.channel), dueAt: d.dueAt, inMs: d.dueAt - now, assignee: d.assigneeId === null ? null : names.get(d.assigneeId) ?? `#${d.assigneeId}` })),
    },
    public: {
      total: pub.total, totalReach: pub.totalReach,
      posts: pub.rows.map((p) => ({ ticketId: p.ticketId, subject: p.subject, channel: p.channel, label: channelLabel(p.channel), author: p.requesterName, reach: p.reach, since: p.since, waitMs: Math.max(0, now - p.since) })),
    },
    agents: agents
      .filter((a) => a.active)
      .map((a) => ({ id: a.id, name: a.name, away: a.away, online: online?.has(a.id) ?? false, open: loads.get(a.id) ?? 0 }))
      .sort((a, b) => Number(a.away) - Number(b.away) || b.open - a.open || a.name.localeCompare(b.name)),
  };
}
