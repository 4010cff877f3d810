import { EntityManager } from 'typeorm';
import { Contact, Identity, InboundItem, Inbox, Message, ReportFact, ReportFactKind, Ticket, TicketEvent, TicketParticipant } from '../entities';
import { OUTCOME_KINDS, reportOutcomeRepository } from './report-outcome.repository';
import { reportRollupRepository, rollupDelta, type RollupSource } from './report-rollup.repository';
import { forgetStoredFacts, storedFactsOf } from './report-ticket-facts';
import { chainLinks, type ChainLinks, isTouch, LINK_COLUMNS, NO_LINKS, reportTouchChainRepository } from './report-touch-chain';

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

// 21 columns a row: 500 rows stay far below SQLite's and Postgres's bound-parameter limits.
const BATCH = 500;
const FACT_FIELDS = ['kind', 'at', 'ticketId', 'inboxId', 'channel', 'teamId', 'agentId', 'contactId', 'visibility', 'audience', 'statusFrom', 'statusTo', 'wallMs', 'businessMs', 'reach', 'value', 'messageId'] as const satisfies readonly (keyof NewReportFact)[];
const FACT_COLUMNS = [...FACT_FIELDS.map((f) => f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)), ...LINK_COLUMNS].join(', ');
const LINK_FIELDS = ['agentPrevAt', 'agentGap', 'teamPrevAt', 'teamGap'] as const satisfies readonly (keyof ChainLinks)[];

// The columns of the matching facts the rollups count by.
function rollupSources(m: EntityManager, where: string, params: Record<string, unknown>): Promise<RollupSource[]> {
  return m.createQueryBuilder().from(ReportFact, 'f')
    .select(['f.kind AS kind', 'f.at AS at', 'f.channel AS channel', 'f.inbox_id AS "inboxId"', 'f.team_id AS "teamId"', 'f.agent_id AS "agentId"', 'f.status_from AS "statusFrom"', 'f.status_to AS "statusTo"', 'f.wall_ms AS "wallMs"', 'f.business_ms AS "businessMs"',
      'f.agent_prev_at AS "agentPrevAt"', 'f.team_prev_at AS "teamPrevAt"'])
    .where(where, params).getRawMany();
}

type Linked = NewReportFact & ChainLinks;

// New facts with their touch links, and the rollup delta of stored touches whose links the new
// ones changed (only when a fact is dated before a stored touch of its ticket).
async function linked(m: EntityManager, facts: NewReportFact[]): Promise<{ rows: Linked[]; moved: ReturnType<typeof rollupDelta> }> {
  const tickets = [...new Set(facts.filter((f) => isTouch(f.kind)).map((f) => f.ticketId))];
  if (!tickets.length) return { rows: facts.map((f) => ({ ...f, ...NO_LINKS })), moved: new Map() };
  return relink(m, tickets, facts);
}

// Links of the stored touches of `tickets` plus the new facts (which get ids after them, in
// order), stored links that changed written back; new facts returned with theirs.
async function relink(m: EntityManager, tickets: number[], facts: NewReportFact[]): Promise<{ rows: Linked[]; moved: ReturnType<typeof rollupDelta> }> {
  const stored = await reportTouchChainRepository.touchesOf(m, tickets);
  const fresh = facts.map((f, i) => ({ f, i })).filter(({ f }) => isTouch(f.kind) && tickets.includes(f.ticketId));
  const all = [...stored.map((s) => ({ src: s as typeof s | NewReportFact, stored: s as (typeof stored)[number] | null, seq: s.id, i: -1 })),
    ...fresh.map(({ f, i }) => ({ src: f, stored: null, seq: Number.MAX_SAFE_INTEGER - facts.length + i, i }))]
    .sort((a, b) => Number(a.src.at) - Number(b.src.at) || a.seq - b.seq);
  const links = chainLinks(all.map((x) => x.src));
  const rows: Linked[] = facts.map((f) => ({ ...f, ...NO_LINKS }));
  const before: RollupSource[] = [];
  const after: RollupSource[] = [];
  for (let j = 0; j < all.length; j++) {
    const x = all[j];
    const l = links[j];
    if (!x.stored) {
      Object.assign(rows[x.i], l);
      continue;
    }
    const s = x.stored;
    if (s.agentPrevAt === l.agentPrevAt && s.agentGap === l.agentGap && s.teamPrevAt === l.teamPrevAt && s.teamGap === l.teamGap) continue;
    await reportTouchChainRepository.setLinks(m, s.id, l);
    const src = await rollupSources(m, 'f.id = :id', { id: s.id });
    before.push(...src.map((r) => ({ ...r, agentPrevAt: s.agentPrevAt, teamPrevAt: s.teamPrevAt })));
    after.push(...src.map((r) => ({ ...r, agentPrevAt: l.agentPrevAt, teamPrevAt: l.teamPrevAt })));
  }
  return { rows, moved: rollupDelta(after, 1, rollupDelta(before, -1)) };
}

export const reportFactRepository = {
  // A plain multi-row INSERT: it runs in every ticket command, and TypeORM's insert builder
  // costs more than the row itself there.
  async record(m: EntityManager, fact: NewReportFact | NewReportFact[]): Promise<void> {
    const facts = Array.isArray(fact) ? fact : [fact];
    const pg = m.connection.driver.options.type === 'postgres';
    // Touches are chained to their tickets' earlier touches (an insert dated before them moves those links).
    const { rows, moved } = await linked(m, facts);
    // Asked before the insert: the ticket's stored facts as this transaction read them tell
    // whether it has outcome rows already.
    const outcomeTickets = await reportOutcomeRepository.ticketsToRefresh(m, rows);
    forgetStoredFacts(m);
    for (let i = 0; i < rows.length; i += BATCH) {
      const chunk = rows.slice(i, i + BATCH);
      const params: unknown[] = [];
      const tuples = chunk.map((r) => {
        const start = params.length;
        for (const k of FACT_FIELDS) params.push(r[k] ?? null);
        for (const k of LINK_FIELDS) params.push(r[k]);
        return `(${[...FACT_FIELDS, ...LINK_FIELDS].map((_, j) => (pg ? `$${start + j + 1}` : '?')).join(', ')})`;
      });
      await m.query(`INSERT INTO report_facts (${FACT_COLUMNS}) VALUES ${tuples.join(', ')}`, params);
    }
    // The daily rollups move with the facts, in the same transaction, and so do the outcome
    // rows of the tickets these facts could answer or ask on.
    await reportRollupRepository.apply(m, rollupDelta(rows, 1, moved));
    await reportOutcomeRepository.refresh(m, outcomeTickets);
  },

  async listByTicket(m: EntityManager, ticketId: number): Promise<ReportFact[]> {
    return m.getRepository(ReportFact).find({ where: { ticketId }, order: { at: 'ASC', id: 'ASC' } });
  },

  async deleteByTicket(m: EntityManager, ticketIds: number[]): Promise<void> {
    if (!ticketIds.length) return;
    // What the deleted facts added to the rollups is taken back out.
    const gone = await rollupSources(m, 'f.ticket_id IN (:...ticketIds)', { ticketIds });
    forgetStoredFacts(m);
    await m.createQueryBuilder().delete().from(ReportFact).where('ticket_id IN (:...ticketIds)', { ticketIds }).execute();
    await reportRollupRepository.apply(m, rollupDelta(gone, -1));
    await reportOutcomeRepository.dropTickets(m, ticketIds);
  },

  async clear(m: EntityManager): Promise<void> {
    forgetStoredFacts(m);
    await m.createQueryBuilder().delete().from(ReportFact).execute();
    await reportRollupRepository.clear(m);
    await reportOutcomeRepository.clear(m);
  },

  async count(m: EntityManager): Promise<number> {
    return m.getRepository(ReportFact).count();
  },

  // Details learnt after a fact was stored in the same change (the opening post of a ticket).
  async updateKind(m: EntityManager, ticketId: number, kind: ReportFactKind, patch: FactDetails): Promise<void> {
    // A patch of a column the rollups count by moves the facts' share of them.
    const moves = (['agentId', 'statusFrom', 'statusTo', 'wallMs', 'businessMs'] as const).some((k) => k in patch);
    const before = moves ? await rollupSources(m, 'f.ticket_id = :ticketId AND f.kind = :kind', { ticketId, kind }) : [];
    forgetStoredFacts(m);
    await m.createQueryBuilder().update(ReportFact).set(patch).where('ticket_id = :ticketId AND kind = :kind', { ticketId, kind }).execute();
    if (moves) await reportRollupRepository.apply(m, rollupDelta(await rollupSources(m, 'f.ticket_id = :ticketId AND f.kind = :kind', { ticketId, kind }), 1, rollupDelta(before, -1)));
    // A touch that changed agent or cell moves the ticket's touch links.
    if (isTouch(kind) && (['agentId', 'teamId', 'channel', 'inboxId'] as const).some((k) => k in patch)) await reportRollupRepository.apply(m, await relink(m, [ticketId], []).then((r) => r.moved));
    if (OUTCOME_KINDS.has(kind)) await reportOutcomeRepository.refresh(m, [ticketId]);
  },

  // One person now (a contact merge): their facts name the contact kept; an erased contact's
  // name no one (toId null). Whose post a community answer answers depends on who wrote both, so
  // those tickets' outcome rows are derived again.
  async reassignContact(m: EntityManager, fromId: number, toId: number | null): Promise<void> {
    const pg = m.connection.driver.options.type === 'postgres';
    const p = (i: number) => (pg ? `$${i}` : '?');
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
