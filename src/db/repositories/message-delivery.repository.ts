import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { Attachment, Contact, Message, ThreadLink, Ticket } from '../entities';
import { isPg } from './raw-sql';

// What live delivery needs to check and present a batch of messages: each message, the ticket
// it is on now, its attachments, its thread link and its contact author (the few columns a
// message shows of them), read in one joined statement instead of one per kind.
export interface MessagesForDelivery {
  messages: Message[];
  tickets: Map<number, Ticket>;
  attachments: Attachment[];
  links: ThreadLink[];
  contacts: Contact[];
}

// Of the author, only what a presented message shows (never the staff's notes on them).
const AUTHOR_COLUMNS = ['id', 'name', 'reputation', 'displayName', 'avatarColor'];

interface Part { alias: string; target: EntityTarget<ObjectLiteral>; only?: string[] }
const PARTS: Part[] = [
  { alias: 'msg', target: Message }, { alias: 't', target: Ticket }, { alias: 'a', target: Attachment },
  { alias: 'l', target: ThreadLink }, { alias: 'c', target: Contact, only: AUTHOR_COLUMNS },
];

// The statement and each part's columns, built once per data source from the entities'
// metadata. This read runs for every live message; TypeORM's query builder and join mapping cost
// several times the statement itself, so it is plain SQL, each value hydrated by the driver as
// any entity read would (times, JSON, booleans).
interface Plan { sql: (n: number) => string; columns: Map<string, { alias: string; column: ColumnMetadata }[]> }
const plans = new WeakMap<object, Plan>();

function planFor(m: EntityManager): Plan {
  const known = plans.get(m.connection);
  if (known) return known;
  const q = (name: string) => `"${name}"`;
  const columns = new Map<string, { alias: string; column: ColumnMetadata }[]>();
  const select: string[] = [];
  const tables = new Map<string, string>();
  for (const part of PARTS) {
    const meta = m.connection.getMetadata(part.target);
    tables.set(part.alias, meta.tableName);
    const cols = meta.columns.filter((c) => !part.only || part.only.includes(c.propertyName));
    columns.set(part.alias, cols.map((column) => ({ alias: `${part.alias}_${column.databaseName}`, column })));
    for (const c of cols) select.push(`${q(part.alias)}.${q(c.databaseName)} AS ${q(`${part.alias}_${c.databaseName}`)}`);
  }
  const pg = isPg(m);
  const from = `FROM ${q(tables.get('msg')!)} "msg"
    LEFT JOIN ${q(tables.get('t')!)} "t" ON "t"."id" = "msg"."ticket_id"
    LEFT JOIN ${q(tables.get('a')!)} "a" ON "a"."message_id" = "msg"."id"
    LEFT JOIN ${q(tables.get('l')!)} "l" ON "l"."message_id" = "msg"."id"
    LEFT JOIN ${q(tables.get('c')!)} "c" ON "c"."id" = "msg"."author_contact_id"`;
  const plan: Plan = {
    columns,
    sql: (n) => `SELECT ${select.join(', ')} ${from} WHERE "msg"."id" IN (${Array.from({ length: n }, (_, i) => (pg ? `$${i + 1}` : '?')).join(', ')})
      ORDER BY "msg"."id", "a"."id", "l"."id"`,
  };
  plans.set(m.connection, plan);
  return plan;
}

function hydrate<E extends ObjectLiteral>(m: EntityManager, plan: Plan, alias: string, Entity: new () => E, row: Record<string, unknown>): E | null {
  const cols = plan.columns.get(alias)!;
  if (row[cols.find((c) => c.column.propertyName === 'id')!.alias] === null) return null;
  const e = new Entity() as Record<string, unknown>;
  for (const { alias: key, column } of cols) e[column.propertyName] = m.connection.driver.prepareHydratedValue(row[key], column);
  return e as E;
}

export const messageDeliveryRepository = {
  async loadForDelivery(m: EntityManager, messageIds: number[]): Promise<MessagesForDelivery> {
    const out: MessagesForDelivery = { messages: [], tickets: new Map(), attachments: [], links: [], contacts: [] };
    const ids = [...new Set(messageIds)];
    if (!ids.length) return out;
    const plan = planFor(m);
    // SQLite is handed integers as BigInt, bound as INTEGER (see sqlite-bound-integers.ts).
    const rows: Record<string, unknown>[] = await m.query(plan.sql(ids.length), isPg(m) ? ids : ids.map((id) => BigInt(id)));
    const seen = { msg: new Set<number>(), a: new Set<number>(), l: new Set<number>(), c: new Map<number, Contact>() };
    for (const row of rows) {
      const msg = hydrate(m, plan, 'msg', Message, row)!;
      if (!seen.msg.has(msg.id)) {
        seen.msg.add(msg.id);
        out.messages.push(msg);
      }
      const t = hydrate(m, plan, 't', Ticket, row);
      if (t && !out.tickets.has(t.id)) out.tickets.set(t.id, t);
      const a = hydrate(m, plan, 'a', Attachment, row);
      if (a && !seen.a.has(a.id)) {
        seen.a.add(a.id);
        out.attachments.push(a);
      }
      const l = hydrate(m, plan, 'l', ThreadLink, row);
      if (l && !seen.l.has(l.id)) {
        seen.l.add(l.id);
        out.links.push(l);
      }
      const c = hydrate(m, plan, 'c', Contact, row);
      if (c && !seen.c.has(c.id)) seen.c.set(c.id, c);
    }
    out.contacts = [...seen.c.values()];
    return out;
  },
};
