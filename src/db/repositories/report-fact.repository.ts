import { EntityManager } from 'typeorm';
import { Contact, Identity, InboundItem, Inbox, Message, ReportFact, ReportFactKind, Ticket, TicketEvent, TicketParticipant } from '../entities';
import { reportOutcomeRepository } from './report-outcome.repository';
import { reportRollupRepository, rollupDelta } from './report-rollup.repository';
import { factsToSettle } from './report-settle-signal';
import { lockFactsShared } from './report-settle-lock';
import { isPg, returnedRows } from './raw-sql';
import { asSource, ROLLUP_SOURCE_SELECT } from './report-settle.repository';
import { forgetStoredFacts, storedFactsOf } from './report-ticket-facts';

// What a writer says about a fact; the ticket's own columns (inbox, channel, team, visibility)
// come from `ticketFact` so every kind carries them alike.
export type NewReportFact = Omit<ReportFact, 'id'>;
type TicketShape = Pick<Ticket, 'id' | 'inboxId' | 'channel' | 'teamId' | 'visibility'>;
export type FactDetails = Partial<Pick<ReportFact, 'agentId' | 'contactId' | 'audience' | 'statusFrom' | 'statusTo' | 'wallMs' | 'businessMs' | 'reach' | 'value' | 'messageId'>>;

export function ticketFact(ticket: TicketShape, kind: ReportFactKind, at: number, details: FactDetails = {}): NewReportFact {
  return {
    kind, at, ticketId: ticket.id, inboxId: ticket.inboxId, channel: ticket.channel, teamId: ticket.teamId ?? null,
    visibility: ticket.visibility, agentId: null, contactId: null, audience: null, statusFrom: null, statusTo: null,
    wallMs: null, businessMs: null, reach: null, value: null, messageId: null, ...details,
  };
}

// 17 columns a row: 500 rows stay far below SQLite's and Postgres's bound-parameter limits.
const BATCH = 500;
const FACT_FIELDS = ['kind', 'at', 'ticketId', 'inboxId', 'channel', 'teamId', 'agentId', 'contactId', 'visibility', 'audience', 'statusFrom', 'statusTo', 'wallMs', 'businessMs', 'reach', 'value', 'messageId'] as const satisfies readonly (keyof NewReportFact)[];
const FACT_COLUMNS = FACT_FIELDS.map((f) => f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)).join(', ');

// Settled rows' share of the rollups, taken out (the rows are deleted or about to change).
async function takeOut(m: EntityManager, rows: Record<string, unknown>[]): Promise<void> {
  const settled = rows.filter((r) => Number(r.rolled_up) === 1).map(asSource);
  if (settled.length) await reportRollupRepository.apply(m, rollupDelta(settled, -1));
}

const placeholders = (m: EntityManager, n: number, from = 0) => Array.from({ length: n }, (_, i) => (isPg(m) ? `$${from + i + 1}` : '?')).join(', ');

export const reportFactRepository = {
  // A plain multi-row INSERT, and nothing else: it runs in every ticket command. The rows are
  // unsettled; the settler links, rolls up and derives outcomes for many changes' rows at once
  // (report-settle.repository.ts), and is told here that there is work.
  async record(m: EntityManager, fact: NewReportFact | NewReportFact[]): Promise<void> {
    const facts = Array.isArray(fact) ? fact : [fact];
    if (!facts.length) return;
    const pg = isPg(m);
    forgetStoredFacts(m);
    for (let i = 0; i < facts.length; i += BATCH) {
      const chunk = facts.slice(i, i + BATCH);
      const params: unknown[] = [];
      const tuples = chunk.map((r) => {
        const start = params.length;
        for (const k of FACT_FIELDS) params.push(r[k] ?? null);
        return `(${FACT_FIELDS.map((_, j) => (pg ? `$${start + j + 1}` : '?')).join(', ')}, 0)`;
      });
      await m.query(`INSERT INTO report_facts (${FACT_COLUMNS}, rolled_up) VALUES ${tuples.join(', ')}`, params);
    }
    factsToSettle(m);
  },

  async listByTicket(m: EntityManager, ticketId: number): Promise<ReportFact[]> {
    return m.getRepository(ReportFact).find({ where: { ticketId }, order: { at: 'ASC', id: 'ASC' } });
  },

  async deleteByTicket(m: EntityManager, ticketIds: number[]): Promise<void> {
    if (!ticketIds.length) return;
    forgetStoredFacts(m);
    await lockFactsShared(m);
    // What the deleted facts added to the rollups (the settled ones) is taken back out.
    for (let i = 0; i < ticketIds.length; i += BATCH) {
      const ids = ticketIds.slice(i, i + BATCH);
      await takeOut(m, returnedRows(m, await m.query(`DELETE FROM report_facts WHERE ticket_id IN (${placeholders(m, ids.length)}) RETURNING rolled_up, ${ROLLUP_SOURCE_SELECT}`, ids)));
    }
    await reportOutcomeRepository.dropTickets(m, ticketIds);
  },

  async clear(m: EntityManager): Promise<void> {
    forgetStoredFacts(m);
    await lockFactsShared(m);
    await m.createQueryBuilder().delete().from(ReportFact).execute();
    await reportRollupRepository.clear(m);
    await reportOutcomeRepository.clear(m);
  },

  async count(m: EntityManager): Promise<number> {
    return m.getRepository(ReportFact).count();
  },

  // Details learnt after a fact was stored in the same change (the opening post of a ticket).
  // The facts become unsettled again (their share of the rollups taken out, if they had one),
  // so the settler counts them, their ticket's touch links and outcome rows as they are now.
  async updateKind(m: EntityManager, ticketId: number, kind: ReportFactKind, patch: FactDetails): Promise<void> {
    forgetStoredFacts(m);
    await lockFactsShared(m);
    await takeOut(m, returnedRows(m, await m.query(`UPDATE report_facts SET rolled_up = 0 WHERE ticket_id = ${placeholders(m, 1)} AND kind = ${placeholders(m, 1, 1)} AND rolled_up = 1
      RETURNING 1 AS rolled_up, ${ROLLUP_SOURCE_SELECT}`, [ticketId, kind])));
    await m.createQueryBuilder().update(ReportFact).set(patch).where('ticket_id = :ticketId AND kind = :kind', { ticketId, kind }).execute();
    factsToSettle(m);
  },

  // One person now (a contact merge): their facts name the contact kept; an erased contact's
  // name no one (toId null). Whose post a community answer answers depends on who wrote both, so
  // those tickets' outcome rows are derived again.
  async reassignContact(m: EntityManager, fromId: number, toId: number | null): Promise<void> {
    const pg = isPg(m);
    const p = (i: number) => (pg ? `$${i}` : '?');
    await lockFactsShared(m);
    const touched: { id: number | string }[] = await m.query(`SELECT DISTINCT ticket_id AS id FROM report_facts WHERE contact_id = ${p(1)}`, [fromId]);
    forgetStoredFacts(m);
    await m.query(`UPDATE report_facts SET contact_id = ${p(1)} WHERE contact_id = ${p(2)}`, [toId, fromId]);
    await reportOutcomeRepository.refresh(m, touched.map((r) => Number(r.id)));
  },

  // Mentions of this agent on this ticket, made by `before`, that no reply or note of theirs has
  // answered yet (from the ticket's stored facts, read once for the change).
  async openMentions(m: EntityManager, ticketId: number, agentId: number, before: number): Promise<{ agentId: number; messageId: number; at: number }[]> {
    const facts = await storedFactsOf(m, ticketId);
    const answered = new Set(facts.filter((f) => f.kind === 'mention_answered' && f.agentId === agentId).map((f) => f.messageId));
    return facts.filter((f) => f.kind === 'mention' && f.agentId === agentId && f.at <= before && !(f.messageId !== null && answered.has(f.messageId)))
      .map((f) => ({ agentId, messageId: Number(f.messageId), at: f.at }));
  },

  async hasKind(m: EntityManager, ticketId: number, kind: ReportFactKind): Promise<boolean> {
    return (await storedFactsOf(m, ticketId)).some((f) => f.kind === kind);
  },
};

// What the facts writer needs to know about a ticket's history, in as few queries as possible.
export const reportSourceRepository = {
  // The most followers any of a contact's identities has: the reach of their public posts.
  async followersOf(m: EntityManager, contactIds: number[]): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    if (!contactIds.length) return out;
    const rows: { contact_id: number; followers: number | string | null }[] = await m.createQueryBuilder()
      .select('i.contact_id', 'contact_id').addSelect('MAX(i.followers)', 'followers').from(Identity, 'i')
      .where('i.contact_id IN (:...ids)', { ids: [...new Set(contactIds)] }).groupBy('i.contact_id').getRawMany();
    for (const r of rows) if (r.followers !== null) out.set(Number(r.contact_id), Number(r.followers));
    return out;
  },

  async participantIds(m: EntityManager, ticketId: number): Promise<Set<number>> {
    const rows = await m.getRepository(TicketParticipant).find({ where: { ticketId }, select: { contactId: true } });
    return new Set(rows.map((r) => r.contactId));
  },

  // A ticket's public posts in order: the history a public answer is measured against.
  async publicMessages(m: EntityManager, ticketId: number): Promise<Message[]> {
    return m.getRepository(Message).createQueryBuilder('msg')
      .where('msg.ticket_id = :ticketId AND msg.audience = :a', { ticketId, a: 'public' }).orderBy('msg.id', 'ASC').getMany();
  },

  async isHistoric(m: EntityManager, inboundItemId: number | null): Promise<boolean> {
    if (inboundItemId === null) return false;
    const row = await m.getRepository(InboundItem).findOne({ where: { id: inboundItemId }, select: { id: true, historic: true } });
    return !!row?.historic;
  },

  // One batch of tickets with everything their facts are derived from.
  async histories(m: EntityManager, afterId: number, limit: number): Promise<Ticket[]> {
    return m.getRepository(Ticket).createQueryBuilder('t').where('t.id > :afterId', { afterId }).orderBy('t.id', 'ASC').limit(limit).getMany();
  },

  async messagesOf(m: EntityManager, ticketIds: number[]): Promise<Message[]> {
    if (!ticketIds.length) return [];
    return m.getRepository(Message).createQueryBuilder('msg').where('msg.ticket_id IN (:...ticketIds)', { ticketIds }).orderBy('msg.id', 'ASC').getMany();
  },

  async eventsOf(m: EntityManager, ticketIds: number[]): Promise<TicketEvent[]> {
    if (!ticketIds.length) return [];
    return m.getRepository(TicketEvent).createQueryBuilder('e').where('e.ticket_id IN (:...ticketIds)', { ticketIds }).orderBy('e.id', 'ASC').getMany();
  },

  async participantsOf(m: EntityManager, ticketIds: number[]): Promise<TicketParticipant[]> {
    if (!ticketIds.length) return [];
    return m.getRepository(TicketParticipant).createQueryBuilder('p').where('p.ticket_id IN (:...ticketIds)', { ticketIds }).getMany();
  },

  async historicItems(m: EntityManager, itemIds: number[]): Promise<Set<number>> {
    if (!itemIds.length) return new Set();
    const rows = await m.getRepository(InboundItem).createQueryBuilder('i').select('i.id', 'id')
      .where('i.id IN (:...itemIds) AND i.historic = :h', { itemIds, h: true }).getRawMany();
    return new Set(rows.map((r: { id: number }) => Number(r.id)));
  },

  async ticketsByIds(m: EntityManager, ids: number[]): Promise<Ticket[]> {
    if (!ids.length) return [];
    return m.getRepository(Ticket).createQueryBuilder('t').where('t.id IN (:...ids)', { ids }).getMany();
  },

  // Where each of these contacts lives on after contact merges (only merged ones are listed).
  async keptContacts(m: EntityManager, contactIds: number[]): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    let ask = [...new Set(contactIds)];
    for (let hops = 0; ask.length && hops < 20; hops++) {
      const rows = await m.getRepository(Contact).createQueryBuilder('c').select('c.id', 'id').addSelect('c.merged_into_id', 'into')
        .where('c.id IN (:...ask) AND c.merged_into_id IS NOT NULL', { ask }).getRawMany();
      ask = [];
      for (const r of rows) {
        const id = Number(r.id);
        const into = Number(r.into);
        for (const [k, v] of out) if (v === id) out.set(k, into);
        if (!out.has(id)) out.set(id, into);
        ask.push(into);
      }
    }
    return out;
  },

  // The web-form inboxes among these: the community's ask form is one of them.
  async webformInboxes(m: EntityManager, ids: number[]): Promise<Inbox[]> {
    if (!ids.length) return [];
    return m.getRepository(Inbox).createQueryBuilder('i').where('i.id IN (:...ids) AND i.channel = :c', { ids: [...new Set(ids)], c: 'webform' }).getMany();
  },

  // Every ticket whose facts name this contact or could: their posts, tickets they ask or follow.
  async ticketsOfContact(m: EntityManager, contactId: number): Promise<number[]> {
    const ids = new Set<number>();
    const add = (rows: { id: number | string }[]) => rows.forEach((r) => ids.add(Number(r.id)));
    add(await m.getRepository(Message).createQueryBuilder('msg').select('DISTINCT msg.ticket_id', 'id').where('msg.author_contact_id = :contactId', { contactId }).getRawMany());
    add(await m.getRepository(TicketParticipant).createQueryBuilder('p').select('DISTINCT p.ticket_id', 'id').where('p.contact_id = :contactId', { contactId }).getRawMany());
    add(await m.getRepository(Ticket).createQueryBuilder('t').select('t.id', 'id').where('t.requester_id = :contactId', { contactId }).getRawMany());
    add(await m.getRepository(ReportFact).createQueryBuilder('f').select('DISTINCT f.ticket_id', 'id').where('f.contact_id = :contactId', { contactId }).getRawMany());
    return [...ids].sort((a, b) => a - b);
  },

  async ticketCount(m: EntityManager): Promise<number> {
    return m.getRepository(Ticket).count();
  },
};
