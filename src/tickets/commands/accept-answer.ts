import { messageRepository } from '../../db/repositories/message.repository';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors';
import type { Viewer } from '../../policies/viewer';
import { actorOf, type CommandDeps, factActor, loadTicket } from './command-deps';
import { factsWriter } from '../../reports/facts-writer';
import { scheduleSurvey } from '../../csat/commands/schedule-survey';
import { addReputation, REPUTATION } from '../../community/reputation';

export const ACCEPT_REPUTATION = REPUTATION.accepted;

// The asker (or an agent) picks the answer that solved it: the ticket is solved, the answerer
// recorded, and a member who answered earns reputation (taken back if the choice changes).
export async function acceptAnswer(deps: CommandDeps, viewer: Viewer, ticketId: number, messageId: number): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const t = await loadTicket(tx.m, ticketId);
    const mayAccept = viewer.kind === 'agent' || (viewer.kind === 'contact' && viewer.contactId === t.requesterId);
    if (!mayAccept) throw new ForbiddenError('Only the asker or an agent can accept an answer.');
    if (t.visibility !== 'public') throw new ConflictError('Answers are accepted on public questions.');
    const msg = await messageRepository.findById(tx.m, messageId);
    if (!msg || msg.ticketId !== t.id || msg.audience !== 'public' || msg.hidden) throw new NotFoundError('Answer');
    if (msg.authorType === 'contact' && msg.authorContactId === t.requesterId) throw new ConflictError('The question itself cannot be its answer.');
    if (t.acceptedMessageId === msg.id) return;
    const now = deps.now();
    if (t.acceptedMessageId) {
      const prev = await messageRepository.findById(tx.m, t.acceptedMessageId);
      if (prev?.authorContactId) await addReputation(tx.m, prev.authorContactId, -ACCEPT_REPUTATION);
    }
    if (msg.authorContactId) await addReputation(tx.m, msg.authorContactId, ACCEPT_REPUTATION);
    const solve = t.status !== 'solved' && t.status !== 'closed';
    await ticketRepository.update(tx.m, t.id, { acceptedMessageId: msg.id, updatedAt: now, ...(solve ? { status: 'solved', solvedAt: now } : {}) });
    await ticketEventRepository.record(tx.m, t.id, 'accepted', actorOf(viewer, deps.cause), {
      messageId: msg.id, answerer: msg.authorContactId ? { type: 'contact', id: msg.authorContactId } : { type: 'agent', id: msg.authorAgentId },
    }, now);
    await factsWriter.answerAccepted(tx.m, t, msg, now);
    if (solve) await ticketEventRepository.record(tx.m, t.id, 'status', actorOf(viewer, deps.cause), { from: t.status, to: 'solved', reason: 'answer-accepted' }, now);
    if (solve) await factsWriter.statusChanged(tx.m, t, t.status, 'solved', now, factActor(viewer));
    const survey = solve ? await scheduleSurvey(tx.m, t, now) : null;
    if (survey) tx.emit('csat.scheduled', { ticketId: t.id, surveyId: survey });
    tx.emit('ticket.updated', { ticketId: t.id, changes: solve ? ['accepted', 'status'] : ['accepted'] });
  });
}
