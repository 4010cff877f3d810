import { agentRepository } from '../../db/repositories/agent.repository';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { ValidationError } from '../../errors';
import type { Viewer } from '../../policies/viewer';
import { actorOf, CommandDeps, loadTicket } from './command-deps';
import { factsWriter } from '../../reports/facts-writer';

// Assigns to an agent and/or a team; null unassigns. Undefined leaves that side as it is.
export async function assign(deps: CommandDeps, viewer: Viewer, ticketId: number, to: { agentId?: number | null; teamId?: number | null }): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const t = await loadTicket(tx.m, ticketId);
    const now = deps.now();
    const changes: string[] = [];
    if (to.agentId !== undefined && to.agentId !== t.assigneeId) {
      if (to.agentId !== null) {
        const a = await agentRepository.findById(tx.m, to.agentId);
        if (!a || !a.active) throw new ValidationError('No such agent.', { agentId: ['No active agent has this id.'] });
      }
      await ticketRepository.update(tx.m, t.id, { assigneeId: to.agentId, updatedAt: now, status: t.status === 'new' && to.agentId ? 'open' : t.status });
      if (to.agentId) await agentRepository.update(tx.m, to.agentId, { lastAssignedAt: now });
      await ticketEventRepository.record(tx.m, t.id, to.agentId ? 'assigned' : 'unassigned', actorOf(viewer, deps.cause), { from: t.assigneeId, to: to.agentId }, now);
      if (to.agentId) await factsWriter.assigned(tx.m, t, to.agentId, now);
      changes.push('assignee');
    }
    if (to.teamId !== undefined && to.teamId !== t.teamId) {
      if (to.teamId !== null && !(await agentRepository.findTeam(tx.m, to.teamId))) throw new ValidationError('No such team.', { teamId: ['No team has this id.'] });
      await ticketRepository.update(tx.m, t.id, { teamId: to.teamId, updatedAt: now });
      await ticketEventRepository.record(tx.m, t.id, 'team', actorOf(viewer, deps.cause), { from: t.teamId, to: to.teamId }, now);
      changes.push('team');
    }
    if (changes.length) tx.emit('ticket.updated', { ticketId: t.id, changes, cause: deps.cause });
  });
}
