import { notificationRepository } from '../../db/repositories/notification.repository';
import type { Db } from '../../db/transaction';

// Marks every unread notification of the agent read; answers how many were unread.
export async function markAllNotificationsRead(db: Db, now: number, agentId: number): Promise<number> {
  return db.transaction(async (tx) => {
    const n = await notificationRepository.markAllRead(tx.m, agentId, now);
    tx.emit('notification.read', { agentId, ids: 'all' });
    return n;
  });
}
