import type { TicketStatus } from '../../db/entities';
import { messageRepository } from '../../db/repositories/message.repository';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { AppError, ConflictError } from '../../errors';
import type { Viewer } from '../../policies/viewer';
import { canMoveStatus } from '../status-rules';
import { actorOf, CommandDeps, loadTicket } from './command-deps';
import { factsWriter } from '../../reports/facts-writer';
import { scheduleSurvey } from '../../csat/commands/schedule-survey';
import { postAgentMessage, type OutgoingAttachment } from './post-agent-message';

export interface ReplyInput {
  audience: 'public' | 'participants';
  text: string;
  html?: string | null;
  attachments?: OutgoingAttachment[];
  status?: TicketStatus;
  // The newest message the agent had seen; newer customer or community posts hold the reply.
  lastSeenMessageId?: number;
  force?: boolean;
}

export class StaleReplyError extends AppError {
  constructor(newer: { id: number; text: string }[]) {
    super(409, 'stale_reply', `${newer.length} new message(s) arrived since you opened this ticket. Review them, then send again.`, { newer });
  }
}

export async function addReply(deps: CommandDeps, viewer: Extract<Viewer, { kind: 'agent' }>, ticketId: number, input: ReplyInput) {
  return deps.db.transaction(async (tx) => {
    const t = await loadTicket(tx.m, ticketId);
    if (t.status === 'closed') throw new ConflictError('This ticket is closed; a reply would not reach anyone. Reopen it as a follow-up instead.');
    if (input.lastSeenMessageId !== undefined && !input.force) {
      const newer = (await messageRepository.newerThan(tx.m, t.id, input.lastSeenMessageId))
        .filter((m) => m.audience !== 'staff' && m.authorAgentId !== viewer.agentId);
      if (newer.length) throw new StaleReplyError(newer.map((m) => ({ id: m.id, text: m.text.slice(0, 300) })));
    }
    const now = deps.now();
    const message = await postAgentMessage(tx, deps, viewer, t, input, t.firstResponseAt ? null : now);
    const patch: Record<string, unknown> = {};
    // The first answer ends the first-response target (the SLA hook records its outcome).
    if (!t.firstResponseAt) Object.assign(patch, { firstResponseAt: now });
    const to = input.status ?? (t.status === 'new' ? 'open' : undefined);
    if (to && to !== t.status && canMoveStatus(t.status, to)) {
      patch.status = to;
      patch.updatedAt = now;
      patch.solvedAt = to === 'solved' ? now : null;
      await ticketEventRepository.record(tx.m, t.id, 'status', actorOf(viewer, deps.cause), { from: t.status, to, reason: 'reply' }, now);
      await factsWriter.statusChanged(tx.m, t, t.status, to, now, { agentId: viewer.agentId });
    }
    if (Object.keys(patch).length) await ticketRepository.update(tx.m, t.id, patch);
    const survey = patch.status === 'solved' ? await scheduleSurvey(tx.m, t, now) : null;
    if (survey) tx.emit('csat.scheduled', { ticketId: t.id, surveyId: survey });
    tx.emit('ticket.updated', { ticketId: t.id, changes: Object.keys(patch).length ? ['last_activity', 'status'] : ['last_activity'], cause: deps.cause });
    return message;
  });
}
