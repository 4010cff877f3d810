import { inboxRepository } from '../../db/repositories/inbox.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import type { Services } from '../../services';
import { closeSolvedTicket } from '../../tickets/commands/close-solved-ticket';

const BATCH = 200;
// A tick does a bounded amount of work; what is left waits for the next one.
const MAX_BATCHES = 25;
const DAY = 86_400_000;

// Solved tickets of each inbox with auto-close days set close once they have been solved that
// long. Read per inbox from (status, inbox_id, solved_at): never a scan of the tickets.
export async function autoCloseSolvedTickets(s: Services, now: number): Promise<number> {
  let closed = 0;
  for (const inbox of await inboxRepository.list(s.db.m)) {
    if (!inbox.autoCloseDays) continue;
    for (let i = 0; i < MAX_BATCHES; i++) {
      const ids = await ticketRepository.listSolvedBefore(s.db.m, inbox.id, now - inbox.autoCloseDays * DAY, BATCH);
      let changed = 0;
      for (const id of ids) if (await closeSolvedTicket(s.commands, id, inbox.autoCloseDays)) changed++;
      closed += changed;
      if (ids.length < BATCH || changed === 0) break;
    }
  }
  return closed;
}
