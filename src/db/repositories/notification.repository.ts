import { IsNull, LessThan, type EntityManager } from 'typeorm';
import { Notification, NotificationPreference, type NotificationKind } from '../entities';

export const DEFAULT_EMAIL_KINDS: NotificationKind[] = ['mention'];

export const notificationRepository = {
  async insert(m: EntityManager, n: Omit<Notification, 'id' | 'readAt'>): Promise<number> {
    return (await m.getRepository(Notification).insert({ ...n, readAt: null })).identifiers[0].id;
  },
  async findById(m: EntityManager, id: number): Promise<Notification | null> {
    return m.getRepository(Notification).findOneBy({ id });
  },
  // Newest first; `before` is the id the previous page ended at.
  async page(m: EntityManager, agentId: number, opts: { before?: number; limit: number; unread?: boolean }): Promise<Notification[]> {
    return m.getRepository(Notification).find({
      where: { agentId, ...(opts.before ? { id: LessThan(opts.before) } : {}), ...(opts.unread ? { readAt: IsNull() } : {}) },
      order: { id: 'DESC' }, take: opts.limit,
    });
  },
  async unreadCount(m: EntityManager, agentId: number): Promise<number> {
    return m.getRepository(Notification).countBy({ agentId, readAt: IsNull() });
  },
  // Only the owner's own rows are touched, whatever id is asked for.
  async markRead(m: EntityManager, agentId: number, id: number, now: number): Promise<boolean> {
    const r = await m.getRepository(Notification).update({ id, agentId, readAt: IsNull() }, { readAt: now });
    if ((r.affected ?? 0) > 0) return true;
    return !!(await m.getRepository(Notification).findOneBy({ id, agentId }));
  },
  async markAllRead(m: EntityManager, agentId: number, now: number): Promise<number> {
    return (await m.getRepository(Notification).update({ agentId, readAt: IsNull() }, { readAt: now })).affected ?? 0;
  },
  async emailKinds(m: EntityManager, agentId: number): Promise<NotificationKind[]> {
    return (await m.getRepository(NotificationPreference).findOneBy({ agentId }))?.emailKinds ?? DEFAULT_EMAIL_KINDS;
  },
  async setEmailKinds(m: EntityManager, agentId: number, kinds: NotificationKind[], now: number): Promise<void> {
    await m.getRepository(NotificationPreference).save({ agentId, emailKinds: kinds, updatedAt: now });
  },
};
