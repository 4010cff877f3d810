import { listeningItemRepository } from '../../db/repositories/listening-item.repository';
import type { Db } from '../../db/transaction';

// Dismiss (or mark as spam) one post or many: they leave the listening view for every agent and,
// the item being one per platform post, the next poll finds them again without reviving them.
export async function dismissItems(db: Db, now: number, ids: number[], as: 'dismissed' | 'spam'): Promise<number[]> {
  return db.transaction(async (tx) => {
    const changed = await listeningItemRepository.triage(tx.m, [...new Set(ids)], as, now);
    for (const itemId of changed) tx.emit('listening.item.updated', { itemId, changes: ['status'] });
    return changed;
  });
}
