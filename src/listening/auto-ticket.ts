import type { Ticket } from '../db/entities';
import { listeningItemRepository } from '../db/repositories/listening-item.repository';
import { listeningStreamRepository } from '../db/repositories/listening-stream.repository';
import { AppError } from '../errors';
import type { Services } from '../services';
import { autoTicketCause } from './auto-ticket-rule';
import { convertItem } from './commands/convert-item';

// A match left undecided this long had its event lost (the node stopped after the poll's commit);
// the sweep decides it. Long enough that it never races the event handler of a healthy node.
export const AUTO_TICKET_GRACE_MS = 60_000;

// Decides every stream rule still undecided for one stored post: each (post, stream) match is
// claimed by one conditional update, so however many nodes or handlers hear the post, one
// decides each rule and the post is converted once, by the first rule that matches. A post an
// agent already answered, converted or dismissed is left alone (its rules are simply decided).
export async function applyAutoTicketRules(s: Services, itemId: number): Promise<Ticket | null> {
  const undecided = await listeningItemRepository.undecidedMatches(s.db.m, itemId);
  for (const match of undecided) {
    if (!(await s.db.write((m) => listeningItemRepository.claimAutoCheck(m, match.id, s.now())))) continue;
    const item = await listeningItemRepository.findById(s.db.m, itemId);
    if (!item || item.status !== 'new' || item.ticketId) return null;
    const stream = await listeningStreamRepository.findById(s.db.m, match.streamId);
    const cause = stream ? autoTicketCause(stream, item) : null;
    if (!cause) continue;
    try {
      return await convertItem(s, item.id, { by: { kind: 'rule', name: cause } });
    } catch (err) {
      // No inbox can answer the post (or it was dismissed meanwhile): it stays in the view for
      // an agent, with the reason beside it; the rule does not retry on every sweep.
      if (err instanceof AppError && err.status < 500) {
        s.logger.warn({ itemId, streamId: match.streamId, err: err.message }, 'listening auto-ticket rule could not convert the post');
        await s.db.transaction(async (tx) => {
          await listeningItemRepository.noteAutoCheck(tx.m, match.id, `Matched ${cause}, but no ticket was made: ${err.message}`);
          tx.emit('listening.item.updated', { itemId, changes: ['rule'] });
        });
        return null;
      }
      throw err;
    }
  }
  return null;
}

// Once per cluster tick: posts whose rules are still undecided after the grace period.
export async function sweepAutoTickets(s: Services, now: number, limit = 200): Promise<void> {
  for (const id of await listeningItemRepository.itemsWithUndecidedMatches(s.db.m, now - AUTO_TICKET_GRACE_MS, limit)) await applyAutoTicketRules(s, id);
}
