import { EntityManager } from 'typeorm';
import { Inbox } from '../entities';
import { copyRow, copyRows, referenceCache } from './reference-cache';

// Outside a transaction inboxes come from this node's cache (see reference-cache.ts); one not in
// it yet (created on another node a moment ago) is read from the database.
const allInboxes = (m: EntityManager) => referenceCache(m).get(m, 'inboxes', 'all', () => m.getRepository(Inbox).find({ order: { id: 'ASC' } }));

export const inboxRepository = {
  async insert(m: EntityManager, inbox: Omit<Inbox, 'id'>): Promise<number> {
    const r = await m.getRepository(Inbox).insert(inbox);
    referenceCache(m).changed(m, 'inboxes');
    return r.identifiers[0].id;
  },
  async findById(m: EntityManager, id: number): Promise<Inbox | null> {
    if (!m.queryRunner) {
      const hit = (await allInboxes(m)).find((i) => i.id === id);
      if (hit) return copyRow(hit);
    }
    return m.getRepository(Inbox).findOneBy({ id });
  },
  async list(m: EntityManager): Promise<Inbox[]> {
    return m.queryRunner ? m.getRepository(Inbox).find({ order: { id: 'ASC' } }) : copyRows(await allInboxes(m));
  },
  // Whether any inbox matches, from this node's cached list without copying it (asked on every new ticket).
  async some(m: EntityManager, which: (inbox: Readonly<Inbox>) => boolean): Promise<boolean> {
    return (m.queryRunner ? await m.getRepository(Inbox).find() : await allInboxes(m)).some(which);
  },
  async listByChannel(m: EntityManager, channel: string): Promise<Inbox[]> {
    if (!m.queryRunner) return copyRows((await allInboxes(m)).filter((i) => i.channel === channel));
    return m.getRepository(Inbox).find({ where: { channel: channel as Inbox['channel'] }, order: { id: 'ASC' } });
  },
  async update(m: EntityManager, id: number, patch: Partial<Inbox>): Promise<void> {
    await m.getRepository(Inbox).update({ id }, patch);
    referenceCache(m).changed(m, 'inboxes');
  },
};
