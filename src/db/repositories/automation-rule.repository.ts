import type { EntityManager } from 'typeorm';
import { AutomationRule, AutomationRun, Message, Ticket, TicketEvent } from '../entities';
import { jsonTransformer } from '../entities/columns';
import { chainRepository } from './chain.repository';
import { configVersionRepository } from './config-version.repository';
import { hydrateRow, selectColumns } from './hydrate-row';
import { binder } from './plain-rows';

export type TimeState = 'pending' | 'solved' | 'awaiting';
export interface TimeCandidate {
  ticket: Ticket;
  // When the ticket entered the state the rule waits on.
  since: number;
}

export interface PassState {
  ticket: Ticket;
  tags: Set<string>;
  used: { actions: number; limited: boolean };
  message: Message | null;
}

export interface TimeRange { after: number | null; upTo: number; from?: { since: number; id: number } }

// Keyset pages by (since, id): the lower bound `since >= fs` is an index range on its own (an
// OR alone is not, and each page would walk the index from the start), the OR then skips the
// rows of the boundary time already read.
function timeCandidatesQuery(m: EntityManager, state: TimeState, range: TimeRange, limit: number) {
  const col = state === 'awaiting' ? 't.awaiting_customer_since' : 't.status_changed_at';
  const qb = m.getRepository(Ticket).createQueryBuilder('t').where(`${col} <= :upTo`, { upTo: range.upTo });
  if (state === 'awaiting') qb.andWhere(`${col} IS NOT NULL AND t.status IN ('new', 'open', 'pending')`);
  else qb.andWhere('t.status = :state', { state });
  if (range.after !== null) qb.andWhere(`${col} > :after`, { after: range.after });
  if (range.from) qb.andWhere(`${col} >= :fs AND (${col} > :fs OR t.id > :fid)`, { fs: range.from.since, fid: range.from.id });
  return qb.andWhere('t.merged_into_id IS NULL').orderBy(col, 'ASC').addOrderBy('t.id', 'ASC').limit(limit);
}

export const automationRuleRepository = {
  async list(m: EntityManager): Promise<AutomationRule[]> {
    return m.getRepository(AutomationRule).find({ order: { position: 'ASC', id: 'ASC' }, take: 1000 });
  },
  async listEnabled(m: EntityManager): Promise<AutomationRule[]> {
    return m.getRepository(AutomationRule).find({ where: { enabled: true }, order: { position: 'ASC', id: 'ASC' }, take: 1000 });
  },
  async findById(m: EntityManager, id: number): Promise<AutomationRule | null> {
    return m.getRepository(AutomationRule).findOneBy({ id });
  },
  async findByName(m: EntityManager, name: string): Promise<AutomationRule | null> {
    return m.getRepository(AutomationRule).findOneBy({ name });
  },
  async nextPosition(m: EntityManager): Promise<number> {
    const r = await m.getRepository(AutomationRule).createQueryBuilder('r').select('MAX(r.position)', 'p').getRawOne<{ p: number | string | null }>();
    return Number(r?.p ?? 0) + 1;
  },
  async insert(m: EntityManager, r: Omit<AutomationRule, 'id'>): Promise<number> {
    return (await m.getRepository(AutomationRule).insert(r)).identifiers[0].id;
  },
  async update(m: EntityManager, id: number, patch: Partial<Omit<AutomationRule, 'id'>>): Promise<void> {
    await m.getRepository(AutomationRule).update({ id }, patch);
  },
  async remove(m: EntityManager, id: number): Promise<boolean> {
    return ((await m.getRepository(AutomationRule).delete({ id })).affected ?? 0) > 0;
  },

  // A run is claimed by inserting it: for a time rule the unique (rule, ticket, key) makes a
  // second node's claim fail, so the rule fires once however many nodes sweep.
  async claimRun(m: EntityManager, r: Omit<AutomationRun, 'id'>): Promise<number> {
    return (await m.getRepository(AutomationRun).insert(r)).identifiers[0].id;
  },
  // Finished runs, in one statement (a rule pass writes its runs when it ends).
  async insertRuns(m: EntityManager, rows: Omit<AutomationRun, 'id'>[]): Promise<void> {
    if (!rows.length) return;
    const { bind, params } = binder(m);
    const values = rows.map((r) => [r.ruleId, r.ticketId, r.trigger, r.triggerKey, r.outcome, r.actions, jsonTransformer.to(r.steps), r.createdAt]);
    // Plain SQL: a pass writes its runs on every ticket, and the builder cost more than the insert.
    await m.query(
      `INSERT INTO automation_runs (rule_id, ticket_id, "trigger", trigger_key, outcome, actions, steps, created_at) VALUES ${values.map((v) => `(${v.map(bind).join(', ')})`).join(', ')}`,
      params);
  },
  async finishRun(m: EntityManager, id: number, patch: Pick<AutomationRun, 'outcome' | 'actions' | 'steps'>): Promise<void> {
    await m.getRepository(AutomationRun).update({ id }, patch);
  },
  // Automatic actions on a ticket since a time (the loop guard's hourly budget), and whether the
  // guard already said so in that window.
  async budgetUsed(m: EntityManager, ticketId: number, since: number): Promise<{ actions: number; limited: boolean }> {
    const r = await m.getRepository(AutomationRun).createQueryBuilder('r')
      .select('COALESCE(SUM(r.actions), 0)', 'n')
      .addSelect(`SUM(CASE WHEN r.outcome = 'limited' THEN 1 ELSE 0 END)`, 'limited')
      .where('r.ticket_id = :ticketId AND r.created_at > :since', { ticketId, since })
      .getRawOne<{ n: number | string; limited: number | string | null }>();
    return { actions: Number(r?.n ?? 0), limited: Number(r?.limited ?? 0) > 0 };
  },
  async runsOfRule(m: EntityManager, ruleId: number, limit = 50): Promise<AutomationRun[]> {
    return m.getRepository(AutomationRun).find({ where: { ruleId }, order: { id: 'DESC' }, take: limit });
  },
  async runsOfTicket(m: EntityManager, ticketId: number): Promise<AutomationRun[]> {
    return m.getRepository(AutomationRun).find({ where: { ticketId }, order: { id: 'ASC' } });
  },

  // Tickets that entered `state` in (after, upTo], oldest first, from the index on the state's
  // start (keyset-paged by (since, id)): a sweep reads only what became due since the last one.
  async timeCandidates(m: EntityManager, state: TimeState, range: TimeRange, limit: number): Promise<TimeCandidate[]> {
    const rows = await timeCandidatesQuery(m, state, range, limit).getMany();
    return rows.map((ticket) => ({ ticket, since: Number(state === 'awaiting' ? ticket.awaitingCustomerSince : ticket.statusChangedAt) }));
  },
  // The database's plan for a sweep page (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on Postgres), one
  // line a step: the bench prints it to show the sweep reads an index range, never a scan.
  async explainTimeCandidates(m: EntityManager, state: TimeState, range: TimeRange, limit: number): Promise<string[]> {
    const [sql, params] = timeCandidatesQuery(m, state, range, limit).getQueryAndParameters();
    const sqlite = m.connection.options.type !== 'postgres';
    const rows = (await m.query(`${sqlite ? 'EXPLAIN QUERY PLAN' : 'EXPLAIN'} ${sql}`, params)) as Record<string, string>[];
    return rows.map((r) => (sqlite ? r.detail : r['QUERY PLAN']));
  },

  // What a dry run replays: the last 30 days of a trigger, newest first, at most `limit`. Ids
  // grow with time, so walking the primary key backwards stops after `limit` rows.
  async recentTickets(m: EntityManager, since: number, limit: number): Promise<Ticket[]> {
    return m.getRepository(Ticket).createQueryBuilder('t').where('t.created_at >= :since AND t.merged_into_id IS NULL', { since })
      .orderBy('t.id', 'DESC').limit(limit).getMany();
  },
  async recentInbound(m: EntityManager, since: number, limit: number): Promise<Message[]> {
    return m.getRepository(Message).createQueryBuilder('x').where(`x.created_at >= :since AND x.direction = 'inbound' AND x.audience <> 'staff'`, { since })
      .orderBy('x.id', 'DESC').limit(limit).getMany();
  },
  async recentEvents(m: EntityManager, types: string[], since: number, limit: number): Promise<TicketEvent[]> {
    return m.getRepository(TicketEvent).createQueryBuilder('e').where('e.type IN (:...types) AND e.created_at >= :since', { types, since })
      .orderBy('e.id', 'DESC').limit(limit).getMany();
  },
  // What a rule pass starts from, in one statement: the ticket, its tags, the automatic actions
  // on it since `since` (the loop guard's budget) and, when asked, one message — by id, or the
  // ticket's first customer message ('first', as firstCustomerMessage). Each was its own query.
  // On SQLite it also carries what the pass's commit would read again: the config stamps of the
  // SLA and webhook caches and the head of the ticket's hash chain (see remember / knownHead).
  // Plain SQL, built once per store and message kind: TypeORM's builder cost more than the read.
  async passState(m: EntityManager, ticketId: number, since: number, message: number | 'first' | null): Promise<PassState | null> {
    const pg = m.connection.options.type === 'postgres';
    const kind = message === null ? 'none' : message === 'first' ? 'first' : 'id';
    const sql = passSql(m, pg, kind);
    const params = pg
      ? [ticketId, since, ...(kind === 'id' ? [message] : [])]
      : [since, since, ...(kind === 'id' ? [message] : []), ticketId];
    const [raw]: Record<string, unknown>[] = await m.query(sql, params);
    if (!raw) return null;
    const ticket = hydrateRow(m, Ticket, raw, 't_')!;
    const found = kind === 'none' ? null : hydrateRow(m, Message, raw, 'msg_');
    const list = typeof raw.pass_tags === 'string' ? (JSON.parse(raw.pass_tags) as string[]) : (raw.pass_tags as string[]);
    if (!pg) {
      configVersionRepository.remember(m, raw.pass_versions as string | null);
      chainRepository.knownHead(m, ticketId, raw.pass_chain as string | null);
    }
    return { ticket, tags: new Set(list), used: { actions: Number(raw.pass_used), limited: Number(raw.pass_limited) > 0 }, message: found };
  },

  async firstCustomerMessage(m: EntityManager, ticketId: number): Promise<Message | null> {
    return m.getRepository(Message).findOne({ where: { ticketId, direction: 'inbound' }, order: { id: 'ASC' } });
  },
};

const passSqls = new WeakMap<object, Map<string, string>>();

// passState's statement. Parameters: Postgres $1 ticket, $2 since, $3 message id; SQLite the
// same in the order they appear (since, since, message id, ticket).
function passSql(m: EntityManager, pg: boolean, kind: 'none' | 'first' | 'id'): string {
  const meta = m.connection.getMetadata(Ticket);
  let byKind = passSqls.get(meta);
  if (!byKind) passSqls.set(meta, (byKind = new Map()));
  let sql = byKind.get(kind);
  if (sql) return sql;
  const [ticket, since, messageId] = pg ? ['$1', '$2', '$3'] : ['?', '?', '?'];
  const cols = [
    selectColumns(m, Ticket, 't', 't_'),
    pg
      ? `(SELECT COALESCE(json_agg(tt.tag), '[]'::json) FROM ticket_tags tt WHERE tt.ticket_id = t.id) AS pass_tags`
      : '(SELECT json_group_array(tt.tag) FROM ticket_tags tt WHERE tt.ticket_id = t.id) AS pass_tags',
    `(SELECT COALESCE(SUM(r.actions), 0) FROM automation_runs r WHERE r.ticket_id = t.id AND r.created_at > ${since}) AS pass_used`,
    `(SELECT COUNT(*) FROM automation_runs r WHERE r.ticket_id = t.id AND r.created_at > ${since} AND r.outcome = 'limited') AS pass_limited`,
  ];
  if (kind !== 'none') cols.push(selectColumns(m, Message, 'msg', 'msg_'));
  if (!pg) cols.push(`${configVersionRepository.sqliteColumn()} AS pass_versions`, `${chainRepository.headColumnSql('t.id')} AS pass_chain`);
  const join = kind === 'first'
    ? ` LEFT JOIN messages msg ON msg.id = (SELECT MIN(fm.id) FROM messages fm WHERE fm.ticket_id = t.id AND fm.direction = 'inbound')`
    : kind === 'id' ? ` LEFT JOIN messages msg ON msg.id = ${messageId}` : '';
  sql = `SELECT ${cols.join(', ')} FROM tickets t${join} WHERE t.id = ${ticket}`;
  byKind.set(kind, sql);
  return sql;
}
