import { notificationRepository } from '../../db/repositories/notification.repository';
import type { Db } from '../../db/transaction';
import { NotFoundError } from '../../errors';

// Marks one of the agent's own notifications read. Another agent's id is "not there".
export async function markNotificationRead(db: Db, now: number, agentId: number, id: number): Promise<void> {
  await db.transaction(async (tx) => {
    if (!(await notificationRepository.markRead(tx.m, agentId, id, now))) throw new NotFoundError(`Notification ${id}`);
    tx.emit('notification.read', { agentId, ids: [id] });
  });
}
