import type { Macro } from '../../db/entities';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { AppError, NotFoundError } from '../../errors';
import type { AgentViewer } from '../../agent-web/agent-page';
import { executeActions, type ActionDeps, type ExecutedStep } from '../actions';

export interface MacroResult {
  ticketId: number;
  // applied: every step that had something to do was done; partly: some failed; unchanged:
  // nothing to do (already so); refused: nothing was done (the reason says why).
  outcome: 'applied' | 'partly' | 'unchanged' | 'refused';
  reason: string | null;
  steps: { type: string; summary: string; outcome: ExecutedStep['outcome']; error?: string }[];
}

// An agent applies a macro to one ticket: its actions run in order through the ticket
// commands as that agent, each TicketEvent naming the macro. A public reply never goes out on
// a private ticket: the macro is refused there instead of changing the audience it states.
export async function applyMacro(deps: ActionDeps, agent: AgentViewer, macro: Macro, ticketId: number): Promise<MacroResult> {
  const t = await ticketRepository.resolve(deps.commands.db.m, ticketId);
  if (!t) return { ticketId, outcome: 'refused', reason: new NotFoundError(`Ticket #${ticketId}`).message, steps: [] };
  if (t.visibility === 'private' && macro.actions.some((a) => a.type === 'reply' && a.audience === 'public')) {
    return { ticketId: t.id, outcome: 'refused', reason: 'The macro replies publicly and this ticket is private.', steps: [] };
  }
  let steps: ExecutedStep[];
  try {
    steps = await executeActions(deps, t.id, macro.actions, { viewer: agent, cause: { kind: 'macro', id: macro.id, name: macro.name } });
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    return { ticketId: t.id, outcome: 'refused', reason: err.message, steps: [] };
  }
  const done = steps.filter((x) => x.outcome === 'done').length;
  const failed = steps.filter((x) => x.outcome === 'failed');
  const outcome = failed.length ? (done ? 'partly' : 'refused') : done ? 'applied' : 'unchanged';
  const reason = failed.length ? failed.map((x) => `${x.summary}: ${x.error}`).join('; ') : done ? null : `Nothing to change: ${steps.map((x) => x.summary).join('; ')}`;
  return { ticketId: t.id, outcome, reason, steps: steps.map(({ type, summary, outcome: o, error }) => ({ type, summary, outcome: o, ...(error ? { error } : {}) })) };
}
