import { EntityManager } from 'typeorm';
import { Contact, Identity } from '../entities';
import { reportFactRepository } from './report-fact.repository';
import { insertForId } from './insert-row';
import { binder, hydrate, selectOf } from './plain-rows';

export interface IdentityInput {
  kind: string;
  value: string;
  handle?: string | null;
  displayName?: string | null;
  followers?: number | null;
  verified?: boolean;
}

// Identity values are compared in a normal form: e-mail addresses case-insensitively.
export function normaliseIdentityValue(kind: string, value: string): string {
  const v = value.trim();
  return kind === 'email' ? v.toLowerCase() : v;
}

export const contactRepository = {
  async findById(m: EntityManager, id: number): Promise<Contact | null> {
    return m.getRepository(Contact).findOneBy({ id });
  },

  async findByIds(m: EntityManager, ids: number[]): Promise<Contact[]> {
    if (!ids.length) return [];
    return m.getRepository(Contact).createQueryBuilder('c').where('c.id IN (:...ids)', { ids: [...new Set(ids)] }).getMany();
  },

  async findIdentity(m: EntityManager, kind: string, value: string): Promise<Identity | null> {
    // Plain SQL: every inbound message asks (see plain-rows.ts).
    const { columns: cols, sql: select } = selectOf(m, Identity, 'i');
    const { bind, params } = binder(m);
    const [row] = await m.query(`SELECT ${select} FROM identities "i" WHERE "i"."kind" = ${bind(kind)} AND "i"."value" = ${bind(normaliseIdentityValue(kind, value))} LIMIT 1`, params);
    return row ? hydrate(m, Identity, cols, 'i', row) : null;
  },

  async identitiesOf(m: EntityManager, contactIds: number[]): Promise<Identity[]> {
    if (!contactIds.length) return [];
    return m.getRepository(Identity).createQueryBuilder('i').where('i.contact_id IN (:...ids)', { ids: contactIds }).orderBy('i.id').getMany();
  },

  async create(m: EntityManager, name: string, now: number): Promise<number> {
    return insertForId(m, Contact, { name, avatarUrl: null, reputation: 0, banned: false, mergedIntoId: null, createdAt: now });
  },

  async addIdentity(m: EntityManager, contactId: number, i: IdentityInput, now: number): Promise<number> {
    return insertForId(m, Identity, {
      contactId, kind: i.kind, value: normaliseIdentityValue(i.kind, i.value), handle: i.handle ?? null,
      displayName: i.displayName ?? null, followers: i.followers ?? null, verified: i.verified ?? false, createdAt: now,
    });
  },

  async refreshIdentity(m: EntityManager, id: number, patch: Partial<Pick<Identity, 'handle' | 'displayName' | 'followers' | 'verified'>>): Promise<void> {
    const clean = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined && v !== null));
    if (Object.keys(clean).length) await m.getRepository(Identity).update({ id }, clean);
  },

  // One statement, so two votes at once both count.
  async addReputation(m: EntityManager, id: number, by: number): Promise<void> {
    await m.createQueryBuilder().update(Contact).set({ reputation: () => `reputation + ${Math.trunc(by)}` }).where('id = :id', { id }).execute();
  },

  async update(m: EntityManager, id: number, patch: Partial<Contact>): Promise<void> {
    await m.getRepository(Contact).update({ id }, patch);
  },

  async moveIdentities(m: EntityManager, fromContactId: number, toContactId: number): Promise<void> {
    await m.getRepository(Identity).update({ contactId: fromContactId }, { contactId: toContactId });
  },
};

// Moves everything that points at one contact to another (tickets, participation, authorship).
export async function reassignContact(m: EntityManager, fromId: number, toId: number): Promise<number[]> {
  const isPg = m.connection.options.type === 'postgres';
  const p = (i: number) => (isPg ? `$${i}` : '?');
  const tickets: { id: number }[] = await m.query(`SELECT DISTINCT ticket_id AS id FROM ticket_participants WHERE contact_id = ${p(1)}`, [fromId]);
  await m.query(`UPDATE tickets SET requester_id = ${p(1)} WHERE requester_id = ${p(2)}`, [toId, fromId]);
  await m.query(`UPDATE messages SET author_contact_id = ${p(1)} WHERE author_contact_id = ${p(2)}`, [toId, fromId]);
  // A participant row may exist for both; keep the target's.
  await m.query(`DELETE FROM ticket_participants WHERE contact_id = ${p(1)} AND ticket_id IN (SELECT ticket_id FROM ticket_participants WHERE contact_id = ${p(2)})`, [fromId, toId]);
  await m.query(`UPDATE ticket_participants SET contact_id = ${p(1)} WHERE contact_id = ${p(2)}`, [toId, fromId]);
  await m.query(`UPDATE identities SET contact_id = ${p(1)} WHERE contact_id = ${p(2)}`, [toId, fromId]);
  // Reports count the person once: their facts (replies, answers, ratings) move with them.
  await reportFactRepository.reassignContact(m, fromId, toId);
  return tickets.map((t) => Number(t.id));
}
