import type { EventCause, Ticket } from '../../db/entities';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { NotFoundError } from '../../errors';
import type { Viewer } from '../../policies/viewer';
import { addAutomaticMessage } from '../../tickets/commands/add-automatic-message';
import { addNote } from '../../tickets/commands/add-note';
import { addReply } from '../../tickets/commands/add-reply';
import { addTag } from '../../tickets/commands/add-tag';
import { assign } from '../../tickets/commands/assign';
import { changePriority } from '../../tickets/commands/change-priority';
import { changeStatus } from '../../tickets/commands/change-status';
import type { CommandDeps } from '../../tickets/commands/command-deps';
import { notifyAgents } from '../../tickets/commands/notify-agents';
import { removeTag } from '../../tickets/commands/remove-tag';
import type { Action } from './action-schema';
import { callWebhook } from './call-webhook';
import { type Change, loadState, type PlannedStep, planActions } from './plan-actions';

export interface ActionDeps {
  commands: CommandDeps;
  publicUrl: string;
}

export interface ExecutedStep extends PlannedStep {
  // 'done', 'skipped' (nothing to change), or 'failed' with the command's error.
  outcome: 'done' | 'skipped' | 'failed';
  error?: string;
}

// Who runs the actions: Chorus for a rule (`viewer` anonymous → a system actor), or the agent who
// applied a macro. Either way every TicketEvent and domain event carries `cause`.
export interface RunContext {
  viewer: Viewer;
  cause: EventCause;
}

// Plans the list against the ticket as it is, then carries each step out through its ticket
// command, one transaction per step. A failing step is reported and the rest still run.
// `planned`: the plan the caller just made for this very list (a rule's loop guard counts it
// first), and `ticket` the ticket it just read for it.
export async function executeActions(deps: ActionDeps, ticketId: number, actions: Action[], ctx: RunContext, planned?: PlannedStep[], ticket?: Ticket): Promise<ExecutedStep[]> {
  const t = ticket ?? (await ticketRepository.resolve(deps.commands.db.m, ticketId));
  if (!t) throw new NotFoundError(`Ticket #${ticketId}`);
  const agent = ctx.viewer.kind === 'agent' ? ctx.viewer : null;
  const steps = planned ?? (await planActions(deps.commands.db.m, await loadState(deps.commands.db.m, t), actions, { actorName: agent?.name ?? 'Support', byAgent: !!agent }));
  const commands: CommandDeps = { ...deps.commands, cause: ctx.cause };
  const out: ExecutedStep[] = [];
  for (const step of steps) {
    if (!step.change) {
      out.push({ ...step, outcome: 'skipped' });
      continue;
    }
    try {
      await carryOut({ ...deps, commands }, t.id, step.change, ctx.viewer);
      out.push({ ...step, outcome: 'done' });
    } catch (err) {
      out.push({ ...step, outcome: 'failed', error: (err as Error).message });
    }
  }
  return out;
}

async function carryOut(deps: ActionDeps, ticketId: number, c: Change, viewer: Viewer): Promise<void> {
  const d = deps.commands;
  const agent = viewer.kind === 'agent' ? viewer : null;
  switch (c.kind) {
    case 'assign': return assign(d, viewer, ticketId, { agentId: c.agentId });
    case 'team': return assign(d, viewer, ticketId, { teamId: c.teamId });
    case 'tag.add': return addTag(d, viewer, ticketId, c.tag);
    case 'tag.remove': return removeTag(d, viewer, ticketId, c.tag);
    case 'priority': return changePriority(d, viewer, ticketId, c.to);
    case 'status': return changeStatus(d, viewer, ticketId, c.to);
    case 'reply':
      if (agent) await addReply(d, agent, ticketId, { audience: c.audience, text: c.text });
      else await addAutomaticMessage(d, ticketId, { audience: c.audience, text: c.text });
      return;
    case 'note':
      if (agent) await addNote(d, agent, ticketId, { text: c.text });
      else await addAutomaticMessage(d, ticketId, { audience: 'staff', text: c.text });
      return;
    case 'notify':
      await notifyAgents({ ...d, publicUrl: deps.publicUrl }, viewer, ticketId, { agentIds: c.agentIds, text: c.text });
      return;
    case 'webhook': return callWebhook(d, viewer, ticketId, { url: c.url, secret: c.secret });
  }
}
