import { ticketRepository } from '../../db/repositories/ticket.repository';
import type { Services } from '../../services';
import { wakeDueTicket } from '../../tickets/commands/wake-ticket';

const BATCH = 200;
// A tick does a bounded amount of work; what is left waits for the next one.
const MAX_BATCHES = 25;

// Snoozed tickets whose time has come wake up, each through its command. Read from the
// snooze-due index, soonest first.
export async function wakeSnoozedTickets(s: Services, now: number): Promise<number> {
  let woke = 0;
  for (let i = 0; i < MAX_BATCHES; i++) {
    const due = await ticketRepository.listSnoozeDue(s.db.m, now, BATCH);
    let changed = 0;
    for (const d of due) if (await wakeDueTicket(s.commands, d.id)) changed++;
    woke += changed;
    if (due.length < BATCH || changed === 0) break;
  }
  return woke;
}
