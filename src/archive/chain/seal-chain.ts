import type { Db } from '../../db/transaction';
import { chainRepository } from '../../db/repositories/chain.repository';

// Gives every message and TicketEvent that no link names yet (rows from before the chain
// existed) a link at the end of its ticket's chain, in id order. Safe to run twice.
export async function sealUnchained(db: Db, onProgress: (p: { sealed: number; of: number }) => void = () => {}): Promise<{ messages: number; events: number }> {
  const sealed = { messages: 0, events: 0 };
  for (const type of ['message', 'event'] as const) {
    const of = await chainRepository.maxId(db.m, type);
    let after = 0;
    for (;;) {
      const rows = await chainRepository.unchained(db.m, type, after, 500);
      if (!rows.length) break;
      await db.transaction(async (tx) => {
        for (const r of rows) await chainRepository.queue(tx.m, { ticketId: r.ticketId, subjectType: type, subjectId: r.id, action: 'added', at: r.at });
      });
      sealed[type === 'message' ? 'messages' : 'events'] += rows.length;
      after = rows[rows.length - 1].id;
      onProgress({ sealed: after, of });
    }
  }
  return sealed;
}
