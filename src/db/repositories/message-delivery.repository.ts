import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { Agent, Attachment, Contact, Message, ThreadLink, Ticket } from '../entities';
import { binder, columnsOf, hydrate, selectList } from './plain-rows';
import { isPg, readNowOnSqlite } from './raw-sql';

// What live delivery needs to check and present a batch of messages: each message, the ticket
// it is on now, its attachments, its thread link and its author (the few columns a message shows
// of a contact, an agent's name), read in one joined statement instead of one per kind.
export interface MessagesForDelivery {
  messages: Message[];
  tickets: Map<number, Ticket>;
  attachments: Attachment[];
  links: ThreadLink[];
  contacts: Contact[];
  agents: Pick<Agent, 'id' | 'name'>[];
}

// Of the author, only what a presented message shows (never the staff's notes on them).
const AUTHOR_COLUMNS = ['id', 'name', 'reputation', 'displayName', 'avatarColor'];

interface Part { alias: string; target: EntityTarget<ObjectLiteral>; only?: string[] }
const PARTS: Part[] = [
  { alias: 'msg', target: Message }, { alias: 't', target: Ticket }, { alias: 'a', target: Attachment },
  { alias: 'l', target: ThreadLink }, { alias: 'c', target: Contact, only: AUTHOR_COLUMNS },
  { alias: 'g', target: Agent, only: ['id', 'name'] },
];

// The statement and each part's columns, built once per data source from the entities'
// metadata. This read runs for every live message; TypeORM's query builder and join mapping cost
// several times the statement itself, so it is plain SQL (see plain-rows.ts).
interface Plan { select: string; columns: Map<string, ColumnMetadata[]> }
const plans = new WeakMap<object, Plan>();

function planFor(m: EntityManager): Plan {
  const known = plans.get(m.connection);
  if (known) return known;
  const columns = new Map(PARTS.map((part) => [part.alias, columnsOf(m, part.target, part.only)]));
  const table = (alias: string) => `"${m.connection.getMetadata(PARTS.find((p) => p.alias === alias)!.target).tableName}" "${alias}"`;
  const select = `SELECT ${PARTS.map((part) => selectList(columns.get(part.alias)!, part.alias)).join(', ')}
    FROM ${table('msg')}
    LEFT JOIN ${table('t')} ON "t"."id" = "msg"."ticket_id"
    LEFT JOIN ${table('a')} ON "a"."message_id" = "msg"."id"
    LEFT JOIN ${table('l')} ON "l"."message_id" = "msg"."id"
    LEFT JOIN ${table('c')} ON "c"."id" = "msg"."author_contact_id"
    LEFT JOIN ${table('g')} ON "g"."id" = "msg"."author_agent_id"`;
  const plan: Plan = { select, columns };
  plans.set(m.connection, plan);
  return plan;
}

function statementFor(m: EntityManager, ids: number[]): { sql: string; params: unknown[] } {
  const { bind, params } = binder(m);
  return { sql: `${planFor(m).select} WHERE "msg"."id" IN (${ids.map(bind).join(', ')}) ORDER BY "msg"."id", "a"."id", "l"."id"`, params };
}

function fromRows(m: EntityManager, rows: Record<string, unknown>[]): MessagesForDelivery {
  const plan = planFor(m);
  const out: MessagesForDelivery = { messages: [], tickets: new Map(), attachments: [], links: [], contacts: [], agents: [] };
  const seen = { msg: new Set<number>(), a: new Set<number>(), l: new Set<number>(), c: new Map<number, Contact>(), g: new Map<number, Agent>() };
  for (const row of rows) {
    const msg = hydrate(m, Message, plan.columns.get('msg')!, 'msg', row)!;
    if (!seen.msg.has(msg.id)) {
      seen.msg.add(msg.id);
      out.messages.push(msg);
    }
    const t = hydrate(m, Ticket, plan.columns.get('t')!, 't', row);
    if (t && !out.tickets.has(t.id)) out.tickets.set(t.id, t);
    const a = hydrate(m, Attachment, plan.columns.get('a')!, 'a', row);
    if (a && !seen.a.has(a.id)) {
      seen.a.add(a.id);
      out.attachments.push(a);
    }
    const l = hydrate(m, ThreadLink, plan.columns.get('l')!, 'l', row);
    if (l && !seen.l.has(l.id)) {
      seen.l.add(l.id);
      out.links.push(l);
    }
    const c = hydrate(m, Contact, plan.columns.get('c')!, 'c', row);
    if (c && !seen.c.has(c.id)) seen.c.set(c.id, c);
    const g = hydrate(m, Agent, plan.columns.get('g')!, 'g', row);
    if (g && !seen.g.has(g.id)) seen.g.set(g.id, g);
  }
  out.contacts = [...seen.c.values()];
  out.agents = [...seen.g.values()];
  return out;
}

const none = (): MessagesForDelivery => ({ messages: [], tickets: new Map(), attachments: [], links: [], contacts: [], agents: [] });

export const messageDeliveryRepository = {
  async loadForDelivery(m: EntityManager, messageIds: number[]): Promise<MessagesForDelivery> {
    const ids = [...new Set(messageIds)];
    if (!ids.length) return none();
    const { sql, params } = statementFor(m, ids);
    return fromRows(m, await m.query(sql, params));
  },

  // The same read done at once on SQLite (see readNowOnSqlite); null on Postgres.
  loadForDeliveryNow(m: EntityManager, messageIds: number[]): MessagesForDelivery | null {
    const ids = [...new Set(messageIds)];
    if (!ids.length) return isPg(m) ? null : none();
    const { sql, params } = statementFor(m, ids);
    const rows = readNowOnSqlite<Record<string, unknown>>(m, sql, params);
    return rows && fromRows(m, rows);
  },
};
