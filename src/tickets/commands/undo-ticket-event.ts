import { TicketEvent } from '../../db/entities';
import { messageRepository } from '../../db/repositories/message.repository';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { ConflictError, NotFoundError } from '../../errors';
import type { Viewer } from '../../policies/viewer';
import { actorOf, CommandDeps, loadTicket } from './command-deps';
import { factsWriter } from '../../reports/facts-writer';

// Undo a merge or a split from the ticket's history: the messages recorded in the event go
// back where they came from. Messages that arrived since stay where they are.
export async function undoTicketEvent(deps: CommandDeps, viewer: Viewer, ticketId: number, eventId: number): Promise<{ ticketId: number }> {
  return deps.db.transaction(async (tx) => {
    const t = await loadTicket(tx.m, ticketId);
    const events = await ticketEventRepository.listByTicket(tx.m, t.id);
    const e = events.find((x: TicketEvent) => x.id === eventId);
    if (!e || !['merged', 'split'].includes(e.type)) throw new NotFoundError('A merge or split in this ticket\'s history');
    if (events.some((x) => x.type.endsWith('_undone') && (x.data as { eventId?: number } | null)?.eventId === e.id)) throw new ConflictError('This was undone already.');
    const d = e.data as { sourceId?: number; newTicketId?: number; messageIds: number[]; addedParticipants?: number[] };
    const now = deps.now();
    const still = (await messageRepository.listByTicket(tx.m, e.type === 'merged' ? t.id : d.newTicketId!)).filter((m) => d.messageIds.includes(m.id)).map((m) => m.id);
    if (e.type === 'merged') {
      const src = d.sourceId!;
      await messageRepository.moveToTicket(tx.m, still, src, now);
      for (const c of d.addedParticipants ?? []) await ticketRepository.removeParticipant(tx.m, t.id, c);
      await ticketRepository.update(tx.m, src, { mergedIntoId: null });
      await ticketRepository.refreshStats(tx.m, src, now);
      await ticketRepository.refreshStats(tx.m, t.id, now);
      await ticketEventRepository.record(tx.m, t.id, 'merge_undone', actorOf(viewer, deps.cause), { eventId: e.id, sourceId: src }, now);
      await ticketEventRepository.record(tx.m, src, 'merge_undone', actorOf(viewer, deps.cause), { eventId: e.id, sourceId: src }, now);
      tx.emit('ticket.updated', { ticketId: src, changes: ['merged'] });
    } else {
      const other = d.newTicketId!;
      await messageRepository.moveToTicket(tx.m, still, t.id, now);
      // The split-off ticket's number keeps working: it now resolves back to this ticket.
      await ticketRepository.update(tx.m, other, { mergedIntoId: t.id, status: 'closed' });
      await ticketRepository.refreshStats(tx.m, other, now);
      await ticketRepository.refreshStats(tx.m, t.id, now);
      await ticketEventRepository.record(tx.m, t.id, 'split_undone', actorOf(viewer, deps.cause), { eventId: e.id, newTicketId: other }, now);
      tx.emit('ticket.updated', { ticketId: other, changes: ['merged'] });
    }
    await factsWriter.rebuild(tx.m, [t.id, e.type === 'merged' ? d.sourceId! : d.newTicketId!]);
    const lostParticipants = e.type === 'merged' && (d.addedParticipants ?? []).length > 0;
    tx.emit('ticket.updated', { ticketId: t.id, changes: ['merged', 'last_activity', ...(lostParticipants ? ['participants'] : [])] });
    return { ticketId: t.id };
  });
}
