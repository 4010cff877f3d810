import { reportFactRepository, reportSourceRepository } from '../db/repositories/report-fact.repository';
import type { Db } from '../db/transaction';
import { deriveFacts, storeFacts } from './facts-writer';
import { settleFacts } from './settle-facts';

export interface BackfillProgress {
  tickets: number;
  total: number;
  facts: number;
}

// Rebuilds the reporting facts from the tickets, messages and events already stored, one batch
// of tickets per transaction: each batch replaces exactly its tickets' facts, so a second run
// (or a run that stopped half-way) leaves the same table, and live writes on other tickets go on.
export async function backfillFacts(db: Db, opts: { batch?: number; onProgress?: (p: BackfillProgress) => void } = {}): Promise<BackfillProgress> {
  const batch = opts.batch ?? 500;
  const total = await reportSourceRepository.ticketCount(db.m);
  const p: BackfillProgress = { tickets: 0, total, facts: 0 };
  opts.onProgress?.({ ...p });
  for (let afterId = 0; ;) {
    const done = await db.transaction(async ({ m }) => {
      const tickets = await reportSourceRepository.histories(m, afterId, batch);
      if (!tickets.length) return null;
      await reportFactRepository.deleteByTicket(m, tickets.map((t) => t.id));
      // A merged ticket's facts are filed under its survivor, which its own batch derives.
      const facts = await deriveFacts(m, tickets.filter((t) => !t.mergedIntoId));
      await storeFacts(m, facts);
      return { last: tickets[tickets.length - 1].id, tickets: tickets.length, facts: facts.length };
    });
    if (!done) break;
    afterId = done.last;
    p.tickets += done.tickets;
    p.facts += done.facts;
    opts.onProgress?.({ ...p });
  }
  await settleFacts(db);
  return p;
}
