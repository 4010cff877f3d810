import { EntityManager } from 'typeorm';

export type ContactSort = 'newest' | 'name';
// Where the previous page ended: the last contact's id (newest first), or its lowercased name and id.
export type ContactKey = { id: number; name?: string };

export interface ContactListRow { id: number; name: string; sortName: string; createdAt: number }
export interface ContactFigures { openTickets: number; lastActivityAt: number | null }

const OPEN = `('new', 'open', 'pending')`;
// The highest code point: every string that starts with p sorts between p and p + this, bytewise.
const TOP = '\u{10FFFF}';

// SQLite's LOWER() folds ASCII letters only; the typed text is folded the same way there, so a
// prefix matches exactly what the index holds (Postgres folds every letter, as JavaScript does).
function fold(pg: boolean, v: string): string {
  return pg ? v.toLowerCase() : v.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

// The agents' contacts list: unmerged contacts, newest first or by name, a page after `after`.
// `q` is a prefix of the name, of an identity's value (e-mail, phone, account) or of its handle
// ("@" optional); each is a range read on an index of the lowercased column (migration
// 1764000040550), never a scan of every contact.
export async function listContacts(m: EntityManager, opts: { q?: string; sort: ContactSort; after?: ContactKey; limit: number }): Promise<ContactListRow[]> {
  const pg = m.connection.options.type === 'postgres';
  const params: unknown[] = [];
  const p = (v: unknown) => (params.push(v), pg ? `$${params.length}` : '?');
  const lower = (col: string) => (pg ? `LOWER(${col}) COLLATE "C"` : `LOWER(${col})`);
  const where = ['c.merged_into_id IS NULL'];
  if (opts.q) {
    const range = (col: string, v: string) => `${lower(col)} >= ${p(v)} AND ${lower(col)} < ${p(v + TOP)}`;
    const q = fold(pg, opts.q);
    const handle = q.replace(/^@/, '') || q;
    where.push(`c.id IN (SELECT n.id FROM contacts n WHERE ${range('n.name', q)}
      UNION SELECT v.contact_id FROM identities v WHERE ${range('v.value', q)}
      UNION SELECT h.contact_id FROM identities h WHERE ${range('h.handle', handle)})`);
  }
  let order: string;
  if (opts.sort === 'name') {
    if (opts.after) where.push(`(${lower('c.name')}, c.id) > (${p(opts.after.name ?? '')}, ${p(opts.after.id)})`);
    order = `${lower('c.name')}, c.id`;
  } else {
    if (opts.after) where.push(`c.id < ${p(opts.after.id)}`);
    order = 'c.id DESC';
  }
  const rows: { id: number; name: string; sortName: string; createdAt: string | number }[] = await m.query(
    `SELECT c.id AS "id", c.name AS "name", ${lower('c.name')} AS "sortName", c.created_at AS "createdAt"
       FROM contacts c WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${p(opts.limit)}`,
    params,
  );
  return rows.map((r) => ({ id: Number(r.id), name: r.name, sortName: r.sortName, createdAt: Number(r.createdAt) }));
}

// Per contact of a page: tickets they take part in that are not solved or closed, and the latest
// activity on any of them. One grouped read through the participants' contact index.
export async function contactFigures(m: EntityManager, ids: number[]): Promise<Map<number, ContactFigures>> {
  const out = new Map<number, ContactFigures>();
  if (!ids.length) return out;
  const pg = m.connection.options.type === 'postgres';
  const marks = ids.map((_, i) => (pg ? `$${i + 1}` : '?')).join(', ');
  const rows: { contactId: number; open: string | number; last: string | number | null }[] = await m.query(
    `SELECT tp.contact_id AS "contactId", SUM(CASE WHEN t.status IN ${OPEN} THEN 1 ELSE 0 END) AS "open", MAX(t.last_activity_at) AS "last"
       FROM ticket_participants tp JOIN tickets t ON t.id = tp.ticket_id
      WHERE tp.contact_id IN (${marks}) AND t.merged_into_id IS NULL GROUP BY tp.contact_id`,
    ids,
  );
  for (const r of rows) out.set(Number(r.contactId), { openTickets: Number(r.open), lastActivityAt: r.last === null ? null : Number(r.last) });
  return out;
}
