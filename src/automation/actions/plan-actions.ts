import type { EntityManager } from 'typeorm';
import type { Priority, Ticket, TicketStatus } from '../../db/entities';
import { agentRepository, nextRoundRobinAgent } from '../../db/repositories/agent.repository';
import { cannedResponseRepository } from '../../db/repositories/canned-response.repository';
import { contactRepository } from '../../db/repositories/contact.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { renderCanned } from '../../tickets/canned-responses';
import { automaticMailReason } from '../../tickets/commands/add-automatic-message';
import { normaliseTag } from '../../tickets/commands/add-tag';
import { canMoveStatus } from '../../tickets/status-rules';
import type { Action } from './action-schema';

// What an action list would change, computed without writing: the dry run shows it, and the
// live run carries out exactly these steps (execute-actions.ts), so the two cannot disagree.
export type Change =
  | { kind: 'assign'; agentId: number; agentName: string }
  | { kind: 'team'; teamId: number }
  | { kind: 'tag.add'; tag: string }
  | { kind: 'tag.remove'; tag: string }
  | { kind: 'priority'; to: Priority }
  | { kind: 'status'; to: TicketStatus }
  | { kind: 'reply'; audience: 'public' | 'participants'; text: string; title: string }
  | { kind: 'note'; text: string }
  | { kind: 'notify'; agentIds: number[]; names: string[]; text: string }
  | { kind: 'webhook'; url: string; secret?: string };

export interface PlannedStep {
  type: Action['type'];
  // "set priority high", "add tag vip", or why nothing happens ("already high").
  summary: string;
  change: Change | null;
}

// The part of a ticket the steps read and change, copied so each step sees the ones before it.
export interface TicketState {
  ticket: Ticket;
  tags: Set<string>;
}

export async function loadState(m: EntityManager, t: Ticket): Promise<TicketState> {
  return { ticket: { ...t }, tags: new Set((await ticketRepository.tagsOf(m, [t.id])).get(t.id) ?? []) };
}

export interface PlanContext {
  // Who carries the actions out: an agent applying a macro, or Chorus for a rule.
  actorName: string;
  // An agent's reply counts as theirs (a new ticket opens); Chorus's reply changes no status.
  byAgent: boolean;
}

export async function planActions(m: EntityManager, state: TicketState, actions: Action[], ctx: PlanContext): Promise<PlannedStep[]> {
  const steps: PlannedStep[] = [];
  for (const a of actions) {
    const step = await planOne(m, state, a, ctx);
    apply(state, step.change, ctx);
    steps.push(step);
  }
  return steps;
}

const skip = (type: Action['type'], summary: string): PlannedStep => ({ type, summary, change: null });

async function planOne(m: EntityManager, s: TicketState, a: Action, ctx: PlanContext): Promise<PlannedStep> {
  const t = s.ticket;
  switch (a.type) {
    case 'assign_agent':
    case 'assign_round_robin': {
      const agent = a.type === 'assign_agent' ? await agentRepository.findById(m, a.agentId) : await nextRoundRobinAgent(m, a.teamId ?? t.teamId);
      if (!agent || !agent.active) return skip(a.type, a.type === 'assign_agent' ? `assign: agent ${a.agentId} is not active` : 'assign round-robin: nobody is available');
      if (t.assigneeId === agent.id) return skip(a.type, `already assigned to ${agent.name}`);
      return { type: a.type, summary: `assign to ${agent.name}${a.type === 'assign_round_robin' ? ' (round-robin)' : ''}`, change: { kind: 'assign', agentId: agent.id, agentName: agent.name } };
    }
    case 'assign_team': {
      const team = await agentRepository.findTeam(m, a.teamId);
      if (!team) return skip(a.type, `set team: team ${a.teamId} no longer exists`);
      if (t.teamId === team.id) return skip(a.type, `already in team ${team.name}`);
      return { type: a.type, summary: `set team ${team.name}`, change: { kind: 'team', teamId: team.id } };
    }
    case 'add_tag': {
      const tag = normaliseTag(a.tag);
      return s.tags.has(tag) ? skip(a.type, `already tagged ${tag}`) : { type: a.type, summary: `add tag ${tag}`, change: { kind: 'tag.add', tag } };
    }
    case 'remove_tag': {
      const tag = normaliseTag(a.tag);
      return s.tags.has(tag) ? { type: a.type, summary: `remove tag ${tag}`, change: { kind: 'tag.remove', tag } } : skip(a.type, `not tagged ${tag}`);
    }
    case 'set_priority':
      return t.priority === a.priority ? skip(a.type, `priority is already ${a.priority}`) : { type: a.type, summary: `set priority ${a.priority}`, change: { kind: 'priority', to: a.priority } };
    case 'set_status':
    case 'close': {
      const to: TicketStatus = a.type === 'close' ? 'closed' : a.status;
      if (t.status === to) return skip(a.type, `status is already ${to}`);
      if (!canMoveStatus(t.status, to)) return skip(a.type, `a ${t.status} ticket cannot become ${to}`);
      return { type: a.type, summary: a.type === 'close' ? 'close' : `set status ${to}`, change: { kind: 'status', to } };
    }
    case 'reply': {
      const canned = await cannedResponseRepository.findById(m, a.cannedResponseId);
      if (!canned) return skip(a.type, `reply: canned response ${a.cannedResponseId} no longer exists`);
      if (t.status === 'closed') return skip(a.type, 'reply: the ticket is closed');
      const why = await automaticMailReason(m, t);
      if (why) return skip(a.type, `no reply: ${why}`);
      const requester = await contactRepository.findById(m, t.requesterId);
      const text = renderCanned(canned.body, { requester: { name: requester?.name ?? null }, ticket: { number: t.id, subject: t.subject }, agent: { name: ctx.actorName } });
      return { type: a.type, summary: `reply “${canned.title}” to ${a.audience}`, change: { kind: 'reply', audience: a.audience, text, title: canned.title } };
    }
    case 'add_note':
      return { type: a.type, summary: 'add a staff note', change: { kind: 'note', text: a.text } };
    case 'notify_agents': {
      const ids = [...new Set([...a.agentIds, ...(a.assignee && t.assigneeId ? [t.assigneeId] : [])])];
      const agents = (await agentRepository.findByIds(m, ids)).filter((x) => x.active);
      if (!agents.length) return skip(a.type, a.assignee && !t.assigneeId ? 'notify: the ticket has no assignee' : 'notify: no active agent to tell');
      const names = agents.map((x) => x.name);
      return { type: a.type, summary: `notify ${names.join(', ')}`, change: { kind: 'notify', agentIds: agents.map((x) => x.id), names, text: a.text } };
    }
    case 'call_webhook':
      return { type: a.type, summary: `call webhook ${hostOf(a.url)}`, change: { kind: 'webhook', url: a.url, secret: a.secret } };
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function apply(s: TicketState, c: Change | null, ctx: PlanContext): void {
  if (!c) return;
  const t = s.ticket;
  if (c.kind === 'assign') {
    t.assigneeId = c.agentId;
    if (t.status === 'new') t.status = 'open';
  } else if (c.kind === 'team') t.teamId = c.teamId;
  else if (c.kind === 'tag.add') s.tags.add(c.tag);
  else if (c.kind === 'tag.remove') s.tags.delete(c.tag);
  else if (c.kind === 'priority') t.priority = c.to;
  else if (c.kind === 'status') t.status = c.to;
  else if (c.kind === 'reply' && ctx.byAgent && t.status === 'new') t.status = 'open';
}
