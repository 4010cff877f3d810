import { messageRepository } from '../../db/repositories/message.repository';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { ValidationError } from '../../errors';
import type { Viewer } from '../../policies/viewer';
import { actorOf, CommandDeps, loadTicket } from './command-deps';
import { factsWriter } from '../../reports/facts-writer';

// Moves some messages out into a new ticket (a second question asked in the same thread).
// The new ticket's requester is the first moved message's author when that is a customer.
export async function splitTicket(deps: CommandDeps, viewer: Viewer, sourceId: number, messageIds: number[]): Promise<{ newTicketId: number }> {
  return deps.db.transaction(async (tx) => {
    const src = await loadTicket(tx.m, sourceId);
    const all = await messageRepository.listByTicket(tx.m, src.id);
    const moving = all.filter((m) => messageIds.includes(m.id));
    if (!moving.length || moving.length !== new Set(messageIds).size) throw new ValidationError('Choose messages of this ticket to split out.', { messageIds: ['Not messages of this ticket.'] });
    if (moving.length === all.length) throw new ValidationError('Leave at least one message on this ticket; to move everything, merge instead.', { messageIds: ['Leave one message behind.'] });
    const now = deps.now();
    const requesterId = moving.find((m) => m.authorContactId)?.authorContactId ?? src.requesterId;
    const newTicketId = await ticketRepository.insert(tx.m, {
      subject: src.subject, status: 'open', priority: src.priority, visibility: src.visibility, requesterId, assigneeId: src.assigneeId, teamId: src.teamId,
      inboxId: src.inboxId, channel: src.channel, threadKey: null, snippet: null, messageCount: 0, mergedIntoId: null, followUpOfId: null,
      acceptedMessageId: null, firstResponseAt: null, solvedAt: null, slaDueAt: src.slaDueAt, lastActivityAt: now, createdAt: now, updatedAt: now,
    });
    await ticketRepository.addParticipant(tx.m, newTicketId, requesterId, 'requester');
    const ids = moving.map((m) => m.id);
    await messageRepository.moveToTicket(tx.m, ids, newTicketId, now);
    await ticketRepository.refreshStats(tx.m, newTicketId, now);
    await ticketRepository.refreshStats(tx.m, src.id, now);
    await ticketEventRepository.record(tx.m, src.id, 'split', actorOf(viewer, deps.cause), { newTicketId, messageIds: ids }, now);
    await ticketEventRepository.record(tx.m, newTicketId, 'split_from', actorOf(viewer, deps.cause), { sourceId: src.id, messageIds: ids }, now);
    await factsWriter.rebuild(tx.m, [src.id, newTicketId]);
    tx.emit('ticket.created', { ticketId: newTicketId });
    tx.emit('ticket.updated', { ticketId: src.id, changes: ['split', 'last_activity'] });
    return { newTicketId };
  });
}
