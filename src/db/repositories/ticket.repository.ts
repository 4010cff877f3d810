import { EntityManager } from 'typeorm';
import { Message, Priority, Ticket, TicketParticipant, TicketStatus, TicketTag } from '../entities';
import { ticketCountRepository } from './ticket-count.repository';
import { insertForId, insertRow } from './insert-row';
import { binder, hydrate, selectOf, type Bind } from './plain-rows';

export interface TicketFilters {
  status?: TicketStatus[];
  assigneeId?: number | null; // null = unassigned
  teamId?: number;
  inboxId?: number;
  channel?: string;
  tag?: string;
  visibility?: 'public' | 'private';
  requesterId?: number;
  ids?: number[];
  priority?: Priority;
  // Only tickets with (true) or without (false) a first-response deadline.
  hasSla?: boolean;
  // Only tickets opened by automatic mail (true) or only the others (false).
  automatic?: boolean;
  // Only snoozed tickets (true) or only the others (false).
  snoozed?: boolean;
}

// A common tag is best checked per row while walking the activity index (EXISTS); a rare one
// is best read from the tag's own index (IN). Above this many tickets a tag counts as common.
const COMMON_TAG = 2000;
type TagPlan = 'in' | 'exists';

export type { CountGroup } from './ticket-count.repository';

export interface TicketCursor {
  at: number;
  id: number;
}

// The WHERE of a ticket list as plain SQL over `tickets t` (the inbox reads it on every page:
// the query builder rebuilt and re-mapped it at several times the statement's own cost).
function filtered(f: TicketFilters, bind: Bind, tagPlan: TagPlan = 'in'): string {
  const w = ['t.merged_into_id IS NULL'];
  const list = (xs: unknown[]) => xs.map(bind).join(', ');
  if (f.status?.length === 1) w.push(`t.status = ${bind(f.status[0])}`);
  else if (f.status?.length) w.push(`t.status IN (${list(f.status)})`);
  if (f.assigneeId === null) w.push('t.assignee_id IS NULL');
  else if (f.assigneeId !== undefined) w.push(`t.assignee_id = ${bind(f.assigneeId)}`);
  if (f.teamId !== undefined) w.push(`t.team_id = ${bind(f.teamId)}`);
  if (f.inboxId !== undefined) w.push(`t.inbox_id = ${bind(f.inboxId)}`);
  if (f.channel) w.push(`t.channel = ${bind(f.channel)}`);
  if (f.visibility) w.push(`t.visibility = ${bind(f.visibility)}`);
  if (f.requesterId !== undefined) w.push(`t.requester_id = ${bind(f.requesterId)}`);
  if (f.ids) w.push(f.ids.length ? `t.id IN (${list(f.ids)})` : '1 = 0');
  if (f.priority) w.push(`t.priority = ${bind(f.priority)}`);
  if (f.hasSla !== undefined) w.push(f.hasSla ? 't.sla_due_at IS NOT NULL' : 't.sla_due_at IS NULL');
  if (f.automatic !== undefined) w.push(f.automatic ? 't.automatic IS NOT NULL' : 't.automatic IS NULL');
  if (f.snoozed !== undefined) w.push(f.snoozed ? 't.snoozed IS NOT NULL' : 't.snoozed IS NULL');
  if (f.tag && tagPlan === 'exists') w.push(`EXISTS (SELECT 1 FROM ticket_tags tt WHERE tt.ticket_id = t.id AND tt.tag = ${bind(f.tag)})`);
  else if (f.tag) w.push(`t.id IN (SELECT tt.ticket_id FROM ticket_tags tt WHERE tt.tag = ${bind(f.tag)})`);
  return w.join(' AND ');
}

// Whole tickets matching `f`, in `order`, at most `limit`: one plain statement, hydrated from the
// entity's metadata like any entity read.
async function selectTickets(m: EntityManager, f: TicketFilters, tagPlan: TagPlan, order: string, limit: number, extra?: (bind: Bind) => string): Promise<Ticket[]> {
  const { columns, sql: select } = selectOf(m, Ticket, 't');
  const { bind, params } = binder(m);
  const where = filtered(f, bind, tagPlan) + (extra ? ` AND ${extra(bind)}` : '');
  const rows: Record<string, unknown>[] = await m.query(`SELECT ${select} FROM "tickets" "t" WHERE ${where} ORDER BY ${order} LIMIT ${wholeLimit(limit)}`, params);
  return rows.map((r) => hydrate(m, Ticket, columns, 't', r)!);
}

// A LIMIT written into the SQL (as the builder did), so the planner sees the number.
function wholeLimit(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new Error(`a list limit must be a whole number, not ${n}`);
  return n;
}

export type NewTicket = Omit<Ticket, 'id' | 'automatic' | 'snoozed' | 'snoozedUntil' | 'slaPolicyId' | 'slaTarget'> & Partial<Pick<Ticket, 'automatic' | 'slaPolicyId' | 'slaTarget'>>;

export const ticketRepository = {
  async insert(m: EntityManager, t: NewTicket): Promise<number> {
    return insertForId(m, Ticket, { automatic: null, snoozed: null, snoozedUntil: null, slaPolicyId: null, slaTarget: null, statusChangedAt: t.createdAt, ...t });
  },

  // Inserts and returns the ticket as written (every column but the id is the caller's or null),
  // without reading it back.
  async create(m: EntityManager, t: NewTicket): Promise<Ticket> {
    const row = { automatic: null, snoozed: null, snoozedUntil: null, slaPolicyId: null, slaTarget: null, statusChangedAt: t.createdAt, awaitingCustomerSince: null, awaitingAgentSince: null, retention: null, ...t };
    const id = await insertForId(m, Ticket, row);
    return Object.assign(new Ticket(), row, { id });
  },

  // What a reaction to a new ticket decides on (round-robin, the auto-acknowledgement): a narrow
  // read instead of the whole row, twice per new ticket.
  async findRouting(m: EntityManager, id: number): Promise<Pick<Ticket, 'id' | 'inboxId' | 'channel' | 'teamId' | 'assigneeId' | 'requesterId' | 'automatic'> | null> {
    return m.getRepository(Ticket).findOne({ where: { id }, select: { id: true, inboxId: true, channel: true, teamId: true, assigneeId: true, requesterId: true, automatic: true } });
  },

  // Of these tickets, the ones with an SLA due time or policy set (what recomputeSla clears when no policy is left).
  async withSlaState(m: EntityManager, ids: number[]): Promise<number[]> {
    if (!ids.length) return [];
    const { bind, params } = binder(m);
    const rows: { id: number }[] = await m.query(`SELECT id FROM tickets WHERE id IN (${ids.map(bind).join(', ')}) AND (sla_due_at IS NOT NULL OR sla_policy_id IS NOT NULL)`, params);
    return rows.map((r) => Number(r.id));
  },

  // The few columns a notice about the ticket needs.
  async findAssignee(m: EntityManager, id: number): Promise<Pick<Ticket, 'id' | 'subject' | 'assigneeId'> | null> {
    const { bind, params } = binder(m);
    const [row] = await m.query(`SELECT id, subject, assignee_id AS "assigneeId" FROM tickets WHERE id = ${bind(id)}`, params);
    return row ? { id: Number(row.id), subject: row.subject, assigneeId: row.assigneeId === null ? null : Number(row.assigneeId) } : null;
  },

  async findById(m: EntityManager, id: number): Promise<Ticket | null> {
    return m.getRepository(Ticket).findOneBy({ id });
  },

  async findByIds(m: EntityManager, ids: number[]): Promise<Ticket[]> {
    if (!ids.length) return [];
    return m.getRepository(Ticket).createQueryBuilder('t').where('t.id IN (:...ids)', { ids: [...new Set(ids)] }).getMany();
  },

  // Follows merges: a merged ticket's number keeps answering with the ticket it went into.
  async resolve(m: EntityManager, id: number): Promise<Ticket | null> {
    let t = await this.findById(m, id);
    for (let hops = 0; t?.mergedIntoId && hops < 10; hops++) t = await this.findById(m, t.mergedIntoId);
    return t;
  },

  // A patch that names a status also notes when the status changed, if it did (time rules read it).
  async update(m: EntityManager, id: number, patch: Partial<Ticket>): Promise<void> {
    if (patch.status === undefined) {
      await m.getRepository(Ticket).update({ id }, patch);
      return;
    }
    await m.createQueryBuilder().update(Ticket)
      .set({ ...patch, statusChangedAt: () => 'CASE WHEN status <> :newStatus THEN :changedAt ELSE status_changed_at END' })
      .setParameters({ newStatus: patch.status, changedAt: patch.updatedAt ?? patch.solvedAt ?? Date.now() })
      .where('id = :id', { id })
      .execute();
  },

  // The ticket row's part of a rule pass's tag and priority changes (applyAutomaticChanges), as
  // plain SQL: it runs on every ticket a rule changes.
  async setPriorityAndUpdatedAt(m: EntityManager, id: number, updatedAt: number, priority?: Priority): Promise<void> {
    const { bind, params } = binder(m);
    const set = `updated_at = ${bind(updatedAt)}${priority === undefined ? '' : `, priority = ${bind(priority)}`}`;
    await m.query(`UPDATE tickets SET ${set} WHERE id = ${bind(id)}`, params);
  },

  // A null snippet keeps the one shown (a staff-only message must not become the ticket's snippet).
  // `awaiting`: an answer to the customer starts their wait (the first unanswered one counts),
  // the customer writing ends it ("no customer answer for 3 days" reads it through an index).
  async touchWithMessage(m: EntityManager, id: number, at: number, snippet: string | null, awaiting?: 'start' | 'end'): Promise<void> {
    // Plain SQL with every value bound, so the statement text is one of six and stays prepared
    // (it runs for every message). The other side of the same clock: the customer waits for the
    // team from their first unanswered word until an agent answers (the command centre's longest
    // waits). Retention: new words on an anonymised or stripped ticket are for retention to look at again.
    const { bind, params } = binder(m);
    const sets = [`last_activity_at = ${bind(at)}`, `updated_at = ${bind(at)}`];
    if (snippet !== null) sets.push(`snippet = ${bind(snippet.slice(0, 200))}`);
    if (awaiting === 'start') sets.push(`awaiting_customer_since = COALESCE(awaiting_customer_since, ${bind(at)})`, 'awaiting_agent_since = NULL');
    if (awaiting === 'end') sets.push('awaiting_customer_since = NULL', `awaiting_agent_since = COALESCE(awaiting_agent_since, ${bind(at)})`);
    sets.push('message_count = message_count + 1', 'retention = NULL');
    await m.query(`UPDATE tickets SET ${sets.join(', ')} WHERE id = ${bind(id)}`, params);
  },

  // Every ticket of this inbox on one platform conversation, newest first: strangers on a key
  // get tickets of their own beside the original, so the caller picks the author's.
  async listByThreadKey(m: EntityManager, inboxId: number, threadKey: string, limit = 20): Promise<Ticket[]> {
    return m
      .getRepository(Ticket)
      .createQueryBuilder('t')
      .where('t.inbox_id = :inboxId AND t.thread_key = :threadKey AND t.merged_into_id IS NULL', { inboxId, threadKey })
      .orderBy('t.id', 'DESC')
      .limit(limit)
      .getMany();
  },

  // The newest follow-up of a closed ticket that is still open for replies.
  async findOpenFollowUp(m: EntityManager, closedId: number): Promise<Ticket | null> {
    return m
      .getRepository(Ticket)
      .createQueryBuilder('t')
      .where("t.follow_up_of_id = :closedId AND t.status <> 'closed' AND t.merged_into_id IS NULL", { closedId })
      .orderBy('t.id', 'DESC')
      .getOne();
  },

  // The newest ticket of one group chat (its tickets are keyed per reply chain under one prefix;
  // prefixes are built from numeric chat ids, so they hold no LIKE wildcards).
  async findLatestByThreadKeyPrefix(m: EntityManager, inboxId: number, prefix: string): Promise<Ticket | null> {
    return m
      .getRepository(Ticket)
      .createQueryBuilder('t')
      .where('t.inbox_id = :inboxId AND t.thread_key LIKE :prefix AND t.merged_into_id IS NULL', { inboxId, prefix: `${prefix}%` })
      .orderBy('t.last_activity_at', 'DESC')
      .addOrderBy('t.id', 'DESC')
      .getOne();
  },

  // Keyset pagination over (last_activity_at, id) descending, matching the composite indexes.
  // Several statuses: one indexed query per status, merged — an IN list would make the database
  // sort every matching row instead of walking (status, …, last_activity_at) backwards. A tag
  // filter is driven from the tag's own index instead, so it stays one query.
  async list(m: EntityManager, f: TicketFilters, limit: number, cursor?: TicketCursor, tagPlan?: TagPlan): Promise<Ticket[]> {
    const plan = tagPlan ?? (await this.tagPlan(m, f));
    if (f.status && f.status.length > 1 && (!f.tag || plan === 'exists') && !f.ids) {
      const parts = await Promise.all(f.status.map((status) => this.list(m, { ...f, status: [status] }, limit, cursor, plan)));
      return parts.flat().sort((a, b) => b.lastActivityAt - a.lastActivityAt || b.id - a.id).slice(0, limit);
    }
    const after = cursor ? (bind: Bind) => `(t.last_activity_at < ${bind(cursor.at)} OR (t.last_activity_at = ${bind(cursor.at)} AND t.id < ${bind(cursor.id)}))` : undefined;
    return selectTickets(m, f, plan, 't.last_activity_at DESC, t.id DESC', limit, after);
  },

  async tagPlan(m: EntityManager, f: TicketFilters): Promise<TagPlan> {
    if (!f.tag) return 'in';
    // Counts no further than the threshold: the answer is the same for a tag on a million tickets.
    const { bind, params } = binder(m);
    const [r] = await m.query(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM ticket_tags WHERE tag = ${bind(f.tag)} LIMIT ${COMMON_TAG + 1}) x`, params);
    return Number(r.n) > COMMON_TAG ? 'exists' : 'in';
  },

  async count(m: EntityManager, f: TicketFilters): Promise<number> {
    const { bind, params } = binder(m);
    const [r] = await m.query(`SELECT COUNT(*) AS n FROM "tickets" "t" WHERE ${filtered(f, bind)}`, params);
    return Number(r.n);
  },

  // How many tickets match, counting no further than `cap` (a filter the kept counts cannot
  // answer: its cost is bounded by the cap, not by the table). Above it the answer is cap + 1.
  async countUpTo(m: EntityManager, f: TicketFilters, cap: number): Promise<number> {
    const { bind, params } = binder(m);
    const [r] = await m.query(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM "tickets" "t" WHERE ${filtered(f, bind)} LIMIT ${wholeLimit(cap + 1)}) capped`, params);
    return Number(r.n);
  },

  // Priority or SLA order for the inbox; page by offset (these orders have no stable keyset).
  // Each group in order (urgent, high, normal, low; or: due soonest, then no deadline by
  // activity) read from its own index until the page is full — no sort of every open ticket.
  async listOrdered(m: EntityManager, f: TicketFilters, order: 'priority' | 'sla', limit: number, offset: number): Promise<Ticket[]> {
    const want = offset + limit;
    const out: Ticket[] = [];
    const plan = await this.tagPlan(m, f);
    if (order === 'priority') {
      for (const priority of ['urgent', 'high', 'normal', 'low'] as const) {
        out.push(...(await this.list(m, { ...f, priority }, want - out.length, undefined, plan)));
        if (out.length >= want) break;
      }
    } else {
      const due = await Promise.all((f.status ?? [undefined]).map((status) => selectTickets(m, { ...f, status: status ? [status] : undefined, hasSla: true }, plan, 't.sla_due_at ASC, t.id ASC', want)));
      out.push(...due.flat().sort((a, b) => a.slaDueAt! - b.slaDueAt! || a.id - b.id).slice(0, want));
      if (out.length < want) out.push(...(await this.list(m, { ...f, hasSla: false }, want - out.length, undefined, plan)));
    }
    return out.slice(offset, want);
  },

  // Tags per ticket. Agents read them all; customer and public surfaces pass publicOnly.
  async tagsOf(m: EntityManager, ticketIds: number[], opts: { publicOnly?: boolean } = {}): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>();
    for (const [id, tags] of await this.tagDetailsOf(m, ticketIds, opts)) out.set(id, tags.map((t) => t.tag));
    return out;
  },

  async tagDetailsOf(m: EntityManager, ticketIds: number[], opts: { publicOnly?: boolean } = {}): Promise<Map<number, { tag: string; isPublic: boolean }[]>> {
    const out = new Map<number, { tag: string; isPublic: boolean }[]>();
    if (!ticketIds.length) return out;
    const qb = m.getRepository(TicketTag).createQueryBuilder('tt').where('tt.ticket_id IN (:...ids)', { ids: ticketIds });
    if (opts.publicOnly) qb.andWhere('tt.is_public = :yes', { yes: true });
    for (const r of await qb.orderBy('tt.tag').getMany()) out.set(r.ticketId, [...(out.get(r.ticketId) ?? []), { tag: r.tag, isPublic: r.isPublic }]);
    return out;
  },

  // One statement (rules tag tickets on every ingest): a tag the ticket has already stays as it is.
  async addTag(m: EntityManager, ticketId: number, tag: string, isPublic = false): Promise<boolean> {
    const p = m.connection.options.type === 'postgres' ? '$1, $2, $3' : '?, ?, ?';
    const rows: unknown[] = await m.query(`INSERT INTO ticket_tags (ticket_id, tag, is_public) VALUES (${p}) ON CONFLICT DO NOTHING RETURNING ticket_id`, [ticketId, tag, isPublic]);
    if (!rows.length) return false;
    await ticketCountRepository.tagChanged(m, ticketId, tag, 1);
    return true;
  },

  // Staff-only tags put on and taken off one ticket in one go (a rule pass's tag changes): one
  // statement each way and one count update. Returns what the database actually changed.
  async changeTags(m: EntityManager, ticketId: number, add: string[], remove: string[]): Promise<{ added: string[]; removed: string[] }> {
    const tagsOf = (rows: { tag: string }[]) => rows.map((r) => r.tag);
    const ins = binder(m);
    const added = add.length
      ? tagsOf(await m.query(`INSERT INTO ticket_tags (ticket_id, tag, is_public) VALUES ${add.map((t) => `(${ins.bind(ticketId)}, ${ins.bind(t)}, ${ins.bind(false)})`).join(', ')} ON CONFLICT DO NOTHING RETURNING tag`, ins.params))
      : [];
    const del = binder(m);
    const removed = remove.length
      ? tagsOf(unwrapReturning(await m.query(`DELETE FROM ticket_tags WHERE ticket_id = ${del.bind(ticketId)} AND tag IN (${remove.map((t) => del.bind(t)).join(', ')}) RETURNING tag`, del.params)))
      : [];
    const delta = new Map<string, number>([...added.map((t) => [t, 1] as const), ...removed.map((t) => [t, -1] as const)]);
    await ticketCountRepository.tagsChanged(m, ticketId, delta);
    return { added, removed };
  },

  // Whether a tag shows on customer and public surfaces; false when the ticket has no such tag
  // or it already was so.
  async setTagPublic(m: EntityManager, ticketId: number, tag: string, isPublic: boolean): Promise<boolean> {
    const r = await m.getRepository(TicketTag).update({ ticketId, tag, isPublic: !isPublic }, { isPublic });
    return (r.affected ?? 0) > 0;
  },

  async removeTag(m: EntityManager, ticketId: number, tag: string): Promise<boolean> {
    const r = await m.getRepository(TicketTag).delete({ ticketId, tag });
    const gone = (r.affected ?? 0) > 0;
    if (gone) await ticketCountRepository.tagChanged(m, ticketId, tag, -1);
    return gone;
  },

  async participants(m: EntityManager, ticketId: number): Promise<TicketParticipant[]> {
    return m.getRepository(TicketParticipant).findBy({ ticketId });
  },

  // The first participant of a ticket just inserted: there is nobody to look for.
  async insertParticipant(m: EntityManager, ticketId: number, contactId: number, role: string): Promise<void> {
    await insertRow(m, TicketParticipant, { ticketId, contactId, role });
  },

  async addParticipant(m: EntityManager, ticketId: number, contactId: number, role: string): Promise<void> {
    const exists = await m.getRepository(TicketParticipant).existsBy({ ticketId, contactId });
    if (!exists) await insertRow(m, TicketParticipant, { ticketId, contactId, role });
  },

  async isParticipant(m: EntityManager, ticketId: number, contactId: number): Promise<boolean> {
    return m.getRepository(TicketParticipant).existsBy({ ticketId, contactId });
  },

  async ticketIdsOfContact(m: EntityManager, contactId: number): Promise<number[]> {
    const rows = await m.getRepository(TicketParticipant).findBy({ contactId });
    return rows.map((r) => r.ticketId);
  },

  // After messages moved between tickets (merge, split, undo): count, last activity and snippet
  // follow the messages the ticket now holds.
  async refreshStats(m: EntityManager, ticketId: number, now: number): Promise<void> {
    const last = await m.getRepository(Message).createQueryBuilder('msg').where('msg.ticket_id = :ticketId', { ticketId }).orderBy('msg.id', 'DESC').getOne();
    // The snippet, as touchWithMessage keeps it, is the newest message that is not a staff note.
    const shown = await m.getRepository(Message).createQueryBuilder('msg').where("msg.ticket_id = :ticketId AND msg.audience <> 'staff'", { ticketId }).orderBy('msg.id', 'DESC').getOne();
    const count = await m.getRepository(Message).countBy({ ticketId });
    const patch: Partial<Ticket> = { messageCount: count, updatedAt: now };
    if (last) Object.assign(patch, { lastActivityAt: last.createdAt });
    if (shown) Object.assign(patch, { snippet: shown.text.slice(0, 200) });
    await m.getRepository(Ticket).update({ id: ticketId }, patch);
  },

  async removeParticipant(m: EntityManager, ticketId: number, contactId: number): Promise<void> {
    await m.getRepository(TicketParticipant).delete({ ticketId, contactId });
  },

  async setSnooze(m: EntityManager, id: number, snoozed: Ticket['snoozed'], until: number | null, now: number): Promise<void> {
    await m.getRepository(Ticket).update({ id }, { snoozed, snoozedUntil: until, updatedAt: now });
  },

  // Wakes only a ticket still snoozed (and, for the job, still due), so two nodes or a customer's
  // answer racing the wake-up job wake it once: false when someone else got there first.
  async clearSnooze(m: EntityManager, id: number, now: number, dueBy?: number): Promise<boolean> {
    const qb = m.createQueryBuilder().update(Ticket).set({ snoozed: null, snoozedUntil: null, updatedAt: now }).where('id = :id AND snoozed IS NOT NULL', { id });
    if (dueBy !== undefined) qb.andWhere('snoozed_until <= :dueBy', { dueBy });
    const r = await qb.execute();
    return (r.affected ?? 0) > 0;
  },

  // Snoozed tickets whose time has come, soonest first, from ix_tickets_snooze_due.
  async listSnoozeDue(m: EntityManager, now: number, limit: number): Promise<{ id: number; snoozedUntil: number }[]> {
    const rows: { id: number; until: string | number }[] = await m.getRepository(Ticket).createQueryBuilder('t')
      .select('t.id', 'id').addSelect('t.snoozed_until', 'until')
      .where('t.snoozed_until <= :now', { now }).orderBy('t.snoozed_until', 'ASC').addOrderBy('t.id', 'ASC').limit(limit).getRawMany();
    return rows.map((r) => ({ id: Number(r.id), snoozedUntil: Number(r.until) }));
  },

  // Solved tickets of an inbox solved at or before `cutoff`, from ix_tickets_status_inbox_solved.
  async listSolvedBefore(m: EntityManager, inboxId: number, cutoff: number, limit: number): Promise<number[]> {
    const rows: { id: number }[] = await m.getRepository(Ticket).createQueryBuilder('t').select('t.id', 'id')
      .where("t.status = 'solved' AND t.inbox_id = :inboxId AND t.solved_at <= :cutoff AND t.merged_into_id IS NULL", { inboxId, cutoff })
      .orderBy('t.solved_at', 'ASC').addOrderBy('t.id', 'ASC').limit(limit).getRawMany();
    return rows.map((r) => Number(r.id));
  },

  async closeIfSolvedBefore(m: EntityManager, id: number, cutoff: number, now: number): Promise<boolean> {
    const r = await m.createQueryBuilder().update(Ticket).set({ status: 'closed', updatedAt: now })
      .where("id = :id AND status = 'solved' AND solved_at <= :cutoff", { id, cutoff }).execute();
    return (r.affected ?? 0) > 0;
  },

  async countOpenAssigned(m: EntityManager, agentId: number): Promise<number> {
    return m.getRepository(Ticket).createQueryBuilder('t')
      .where('t.assignee_id = :agentId AND t.status IN (:...s) AND t.merged_into_id IS NULL', { agentId, s: ['new', 'open', 'pending'] })
      .getCount();
  },
};

// "Take it private": the newest open public ticket of this inbox where an agent answered this
// person privately; their next direct message continues it.
export async function findPrivateContinuation(m: EntityManager, inboxId: number, contactId: number): Promise<Ticket | null> {
  return m.getRepository(Ticket).createQueryBuilder('t')
    .where("t.inbox_id = :inboxId AND t.requester_id = :contactId AND t.visibility = 'public' AND t.status <> 'closed' AND t.merged_into_id IS NULL", { inboxId, contactId })
    .andWhere("EXISTS (SELECT 1 FROM messages msg WHERE msg.ticket_id = t.id AND msg.direction = 'outbound' AND msg.audience = 'participants')")
    .orderBy('t.last_activity_at', 'DESC').getOne();
}

// Postgres answers a DELETE … RETURNING through TypeORM with [rows, affected].
function unwrapReturning<T>(out: unknown): T[] {
  return (Array.isArray(out) && out.length === 2 && Array.isArray(out[0]) && typeof out[1] === 'number' ? out[0] : out) as T[];
}
