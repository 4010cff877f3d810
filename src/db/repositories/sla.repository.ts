import type { EntityManager } from 'typeorm';
import { Message, SlaPolicy, type SlaClockState, Ticket, TicketParticipant, TicketSlaClock } from '../entities';
import { jsonTransformer } from '../entities/columns';
import { isPg } from './raw-sql';


export const slaPolicyRepository = {
  async list(m: EntityManager): Promise<SlaPolicy[]> {
    return m.getRepository(SlaPolicy).find({ order: { position: 'ASC', id: 'ASC' }, take: 500 });
  },
  async findById(m: EntityManager, id: number): Promise<SlaPolicy | null> {
    return m.getRepository(SlaPolicy).findOneBy({ id });
  },
  async findByName(m: EntityManager, name: string): Promise<SlaPolicy | null> {
    return m.getRepository(SlaPolicy).findOneBy({ name });
  },
  async maxPosition(m: EntityManager): Promise<number> {
    const r = await m.getRepository(SlaPolicy).createQueryBuilder('p').select('MAX(p.position)', 'max').getRawOne<{ max: number | string | null }>();
    return Number(r?.max ?? 0);
  },
  async insert(m: EntityManager, p: Omit<SlaPolicy, 'id'>): Promise<number> {
    return (await m.getRepository(SlaPolicy).insert(p)).identifiers[0].id;
  },
  async update(m: EntityManager, id: number, patch: Partial<Omit<SlaPolicy, 'id' | 'createdAt'>>): Promise<void> {
    await m.getRepository(SlaPolicy).update({ id }, patch);
  },
  async remove(m: EntityManager, id: number): Promise<boolean> {
    return ((await m.getRepository(SlaPolicy).delete({ id })).affected ?? 0) > 0;
  },
  // Open tickets under a policy, for re-reading their clocks after the policy changed.
  async openTicketIds(m: EntityManager, policyId: number | null, limit: number): Promise<number[]> {
    const qb = m.getRepository(Ticket).createQueryBuilder('t').select('t.id', 'id').where("t.status IN ('new', 'open', 'pending')").andWhere('t.merged_into_id IS NULL');
    if (policyId !== null) qb.andWhere('t.sla_policy_id = :policyId', { policyId });
    return (await qb.orderBy('t.id', 'ASC').limit(limit).getRawMany<{ id: number }>()).map((r) => Number(r.id));
  },
};

export const slaClockRepository = {
  // Locked on Postgres so the sweep and a command never both advance one clock from the same state.
  async find(m: EntityManager, ticketId: number, lock = false): Promise<TicketSlaClock | null> {
    const qb = m.getRepository(TicketSlaClock).createQueryBuilder('c').where('c.ticket_id = :ticketId', { ticketId });
    if (lock && isPg(m)) qb.setLock('pessimistic_write');
    return qb.getOne();
  },
  async save(m: EntityManager, ticketId: number, state: SlaClockState | null, alertAt: number | null): Promise<void> {
    const json = jsonTransformer.to(state) ?? 'null';
    const params = [ticketId, json, alertAt];
    if (isPg(m)) await m.query('INSERT INTO ticket_sla_clocks (ticket_id, state, alert_at) VALUES ($1, $2, $3) ON CONFLICT (ticket_id) DO UPDATE SET state = EXCLUDED.state, alert_at = EXCLUDED.alert_at', params);
    else await m.query('INSERT INTO ticket_sla_clocks (ticket_id, state, alert_at) VALUES (?, ?, ?) ON CONFLICT (ticket_id) DO UPDATE SET state = excluded.state, alert_at = excluded.alert_at', params);
  },
  async remove(m: EntityManager, ticketId: number): Promise<void> {
    await m.getRepository(TicketSlaClock).delete({ ticketId });
  },
  // Clocks whose next warning or breach is due, soonest first (ix_ticket_sla_clocks_alert).
  async due(m: EntityManager, now: number, limit: number): Promise<{ ticketId: number; alertAt: number }[]> {
    const rows = await m.getRepository(TicketSlaClock).createQueryBuilder('c').select('c.ticket_id', 'ticketId').addSelect('c.alert_at', 'alertAt')
      .where('c.alert_at <= :now', { now }).orderBy('c.alert_at', 'ASC').limit(limit).getRawMany<{ ticketId: number | string; alertAt: number | string }>();
    return rows.map((r) => ({ ticketId: Number(r.ticketId), alertAt: Number(r.alertAt) }));
  },
};

export const slaFactsRepository = {
  // Messages of the requester or a participant after the last agent reply (a public or
  // participants one), oldest first: the caller skips automatic mail.
  async unanswered(m: EntityManager, t: Pick<Ticket, 'id' | 'requesterId'>): Promise<Pick<Message, 'id' | 'createdAt' | 'flags'>[]> {
    const last = await m.getRepository(Message).createQueryBuilder('g').select('MAX(g.id)', 'id')
      .where('g.ticket_id = :id', { id: t.id }).andWhere("g.author_type = 'agent'").andWhere("g.audience IN ('public', 'participants')")
      .getRawOne<{ id: number | string | null }>();
    const rows = await m.getRepository(Message).createQueryBuilder('g').select(['g.id', 'g.createdAt', 'g.flags', 'g.authorContactId'])
      .where('g.ticket_id = :id', { id: t.id }).andWhere('g.id > :after', { after: Number(last?.id ?? 0) })
      .andWhere("g.author_type = 'contact'").andWhere("g.audience <> 'staff'").andWhere('g.hidden = :hidden', { hidden: false })
      .andWhere(`(g.author_contact_id = :requester OR g.author_contact_id IN (${m.getRepository(TicketParticipant).createQueryBuilder('p').select('p.contact_id').where('p.ticket_id = :id').getQuery()}))`, { requester: t.requesterId })
      .orderBy('g.id', 'ASC').limit(50).getMany();
    return rows;
  },
};
