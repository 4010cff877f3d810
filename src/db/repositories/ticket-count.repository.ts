import type { EntityManager } from 'typeorm';
import type { TicketStatus } from '../entities';
import { isPg } from './raw-sql';

// Kept inbox counts. Every ticket notes in `count_key` the key it is counted under (null: not
// counted, i.e. merged away); ticket_counts holds how many tickets each key has, and
// ticket_tag_counts how many triage tickets (to do, not automatic, not snoozed) carry each tag.
// `settle` moves changed tickets between keys inside the change's own transaction (the commit
// hook, src/tickets/kept-counts.ts); addTag/removeTag keep the tag counts; the reconciliation job
// proves both right. A key reads
//   t|open|<assignee or 0>|<inbox>|<channel>|<team or 0>|<automatic 0/1>|<snoozed 0/1>
// its first letter saying whether the ticket is a triage ticket ('t') or not ('x').

// The key a ticket should be counted under, computed by the database from the row itself (the
// one definition; the migration that created the column holds a frozen copy).
export function countKeySql(alias = ''): string {
  const c = (col: string) => (alias ? `${alias}.${col}` : col);
  return `CASE WHEN ${c('merged_into_id')} IS NOT NULL THEN NULL ELSE
  (CASE WHEN ${c('status')} IN ('new', 'open', 'pending') AND ${c('automatic')} IS NULL AND ${c('snoozed')} IS NULL THEN 't' ELSE 'x' END)
  || '|' || ${c('status')} || '|' || CAST(COALESCE(${c('assignee_id')}, 0) AS varchar(20)) || '|' || CAST(${c('inbox_id')} AS varchar(20)) || '|' || ${c('channel')}
  || '|' || CAST(COALESCE(${c('team_id')}, 0) AS varchar(20)) || '|' || (CASE WHEN ${c('automatic')} IS NULL THEN '0' ELSE '1' END)
  || '|' || (CASE WHEN ${c('snoozed')} IS NULL THEN '0' ELSE '1' END) END`;
}

export interface CountGroup {
  status: TicketStatus;
  assigneeId: number | null;
  unassigned: boolean;
  inboxId: number;
  channel: string;
  teamId: number | null;
  automatic: boolean;
  snoozed: boolean;
  n: number;
}

export const isTriageKey = (key: string | null): boolean => key !== null && key.startsWith('t|');

export function groupOfKey(key: string, n: number): CountGroup {
  const [, status, assignee, inbox, channel, team, automatic, snoozed] = key.split('|');
  return {
    status: status as TicketStatus, assigneeId: assignee === '0' ? null : Number(assignee), unassigned: assignee === '0', inboxId: Number(inbox), channel,
    teamId: team === '0' ? null : Number(team), automatic: automatic === '1', snoozed: snoozed === '1', n,
  };
}

export interface KeyMove { id: number; from: string | null; to: string | null }

async function run<T = Record<string, unknown>>(m: EntityManager, sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const [q, p] = m.connection.driver.escapeQueryWithParameters(sql, params);
  const out = await m.query(q, p);
  // Postgres answers an UPDATE … RETURNING with [rows, affected].
  return (Array.isArray(out) && out.length === 2 && Array.isArray(out[0]) && typeof out[1] === 'number' ? out[0] : out) as T[];
}

type Delta = Map<string, number>;
const add = (d: Delta, key: string, by: number) => d.set(key, (d.get(key) ?? 0) + by);

// Adds each delta to its row, creating rows as needed, in key order (two Postgres transactions
// touching the same counters lock them in the same order and cannot deadlock).
// `ifTriage` (SQLite only): only while this ticket's kept key is a triage key, checked by the
// same statement.
async function applyDelta(m: EntityManager, table: 'ticket_counts' | 'ticket_tag_counts', delta: Delta, ifTriage?: number): Promise<void> {
  const col = table === 'ticket_counts' ? 'count_key' : 'tag';
  const rows = [...delta].filter(([, n]) => n !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200);
    const params: Record<string, unknown> = {};
    const tuples = chunk.map(([k, n], j) => ((params[`k${j}`] = k), (params[`n${j}`] = n), `(:k${j}, :n${j})`));
    const upsert = `ON CONFLICT (${col}) DO UPDATE SET n = ${table}.n + excluded.n`;
    if (ifTriage === undefined) await run(m, `INSERT INTO ${table} (${col}, n) VALUES ${tuples.join(', ')} ${upsert}`, params);
    else {
      params.ticketId = ifTriage;
      // (The WHERE also keeps SQLite from reading ON CONFLICT as a join's ON.)
      await run(m, `INSERT INTO ${table} (${col}, n) SELECT column1, column2 FROM (VALUES ${tuples.join(', ')}) WHERE EXISTS (SELECT 1 FROM tickets WHERE id = :ticketId AND substr(count_key, 1, 2) = 't|') ${upsert}`, params);
    }
  }
}

export const ticketCountRepository = {
  // Moves the given tickets to the keys their rows now call for: one read when nothing moved
  // (a reply, a note), else a compare-and-set per moved ticket (a concurrent change that got
  // there first is left to its own hook) and one upsert per touched counter. Returns the moves.
  async settle(m: EntityManager, ticketIds: number[]): Promise<KeyMove[]> {
    const ids = [...new Set(ticketIds)];
    if (!ids.length) return [];
    const rows = await run<{ id: number; have: string | null; want: string | null }>(m,
      `SELECT t.id AS id, t.count_key AS have, ${countKeySql('t')} AS want FROM tickets t WHERE t.id IN (:...ids)`, { ids });
    const moved: KeyMove[] = [];
    for (const r of rows) {
      if (r.have === r.want) continue;
      const same = isPg(m) ? 'IS NOT DISTINCT FROM' : 'IS';
      const done = await run(m, `UPDATE tickets SET count_key = :want WHERE id = :id AND count_key ${same} :have RETURNING id`, { id: r.id, want: r.want, have: r.have });
      if (done.length) moved.push({ id: Number(r.id), from: r.have, to: r.want });
    }
    if (!moved.length) return moved;
    const counts: Delta = new Map();
    for (const x of moved) {
      if (x.from !== null) add(counts, x.from, -1);
      if (x.to !== null) add(counts, x.to, 1);
    }
    await applyDelta(m, 'ticket_counts', counts);
    // A ticket entering or leaving triage takes its tags' counts along.
    const flips = moved.filter((x) => isTriageKey(x.from) !== isTriageKey(x.to));
    if (flips.length) {
      const tags = await run<{ ticket_id: number; tag: string }>(m, 'SELECT ticket_id, tag FROM ticket_tags WHERE ticket_id IN (:...ids)', { ids: flips.map((x) => x.id) });
      const sign = new Map(flips.map((x) => [x.id, isTriageKey(x.to) ? 1 : -1]));
      const delta: Delta = new Map();
      for (const t of tags) add(delta, t.tag, sign.get(Number(t.ticket_id))!);
      await applyDelta(m, 'ticket_tag_counts', delta);
    }
    return moved;
  },

  // Takes tickets about to be deleted (retention, erasure) out of the counts: call in the
  // deleting transaction, before the rows go (their kept key and tags are read from them).
  async forget(m: EntityManager, ticketIds: number[]): Promise<void> {
    const ids = [...new Set(ticketIds)];
    if (!ids.length) return;
    const rows = await run<{ id: number; k: string | null }>(m, `SELECT id, count_key AS k FROM tickets WHERE id IN (:...ids) AND count_key IS NOT NULL${isPg(m) ? ' FOR UPDATE' : ''}`, { ids });
    if (!rows.length) return;
    const counts: Delta = new Map();
    for (const r of rows) add(counts, r.k!, -1);
    await applyDelta(m, 'ticket_counts', counts);
    const triage = rows.filter((r) => isTriageKey(r.k)).map((r) => Number(r.id));
    if (triage.length) {
      const tags = await run<{ tag: string }>(m, 'SELECT tag FROM ticket_tags WHERE ticket_id IN (:...ids)', { ids: triage });
      const delta: Delta = new Map();
      for (const t of tags) add(delta, t.tag, -1);
      await applyDelta(m, 'ticket_tag_counts', delta);
    }
    await run(m, 'UPDATE tickets SET count_key = NULL WHERE id IN (:...ids)', { ids: rows.map((r) => Number(r.id)) });
  },

  // A tag put on or taken off a ticket counts when the ticket is counted as a triage ticket
  // (by its kept key, not its live columns: the commit hook moves the tags when the key moves).
  async tagChanged(m: EntityManager, ticketId: number, tag: string, by: 1 | -1): Promise<void> {
    await this.tagsChanged(m, ticketId, new Map([[tag, by]]));
  },

  // Several tags of one ticket at once (a rule pass's tag changes): one read, one upsert (on
  // SQLite one statement).
  async tagsChanged(m: EntityManager, ticketId: number, delta: Map<string, number>): Promise<void> {
    if (![...delta.values()].some((n) => n !== 0)) return;
    // SQLite has one writer: the key is read by the upsert itself.
    if (!isPg(m)) return applyDelta(m, 'ticket_tag_counts', delta, ticketId);
    // On Postgres the ticket's row is locked first: a concurrent change moving its key (and its
    // tags' counts) commits wholly before or after these tags' counts.
    const [row] = await run<{ k: string | null }>(m, `SELECT count_key AS k FROM tickets WHERE id = :id${isPg(m) ? ' FOR UPDATE' : ''}`, { id: ticketId });
    if (row && isTriageKey(row.k)) await applyDelta(m, 'ticket_tag_counts', delta);
  },

  // Every key with tickets in it: a few hundred to a few thousand rows, whatever the ticket count.
  async groups(m: EntityManager): Promise<CountGroup[]> {
    const rows = await run<{ k: string; n: number | string }>(m, 'SELECT count_key AS k, n FROM ticket_counts WHERE n <> 0');
    return rows.map((r) => groupOfKey(r.k, Number(r.n)));
  },

  async topTags(m: EntityManager, limit: number): Promise<{ tag: string; n: number }[]> {
    const rows = await run<{ tag: string; n: number | string }>(m, `SELECT tag, n FROM ticket_tag_counts WHERE n > 0 ORDER BY n DESC, tag ASC LIMIT ${Math.floor(limit)}`);
    return rows.map((r) => ({ tag: r.tag, n: Number(r.n) }));
  },

  async tagCount(m: EntityManager, tag: string): Promise<number> {
    const [row] = await run<{ n: number | string }>(m, 'SELECT n FROM ticket_tag_counts WHERE tag = :tag', { tag });
    return row ? Number(row.n) : 0;
  },

  // --- Reconciliation (a cluster job, in bounded steps; see src/tickets/reconcile-counts.ts) ---

  // The next window of ticket ids after `afterId`, and those in it whose kept key is not the one
  // their row calls for (a write that bypassed the commands, e.g. a bulk load).
  async driftedIn(m: EntityManager, afterId: number, limit: number): Promise<{ lastId: number | null; ids: number[] }> {
    const [w] = await run<{ last: number | string | null }>(m, `SELECT MAX(id) AS last FROM (SELECT id FROM tickets WHERE id > :afterId ORDER BY id LIMIT ${Math.floor(limit)}) w`, { afterId });
    if (w?.last === null || w?.last === undefined) return { lastId: null, ids: [] };
    const lastId = Number(w.last);
    const same = isPg(m) ? 'IS NOT DISTINCT FROM' : 'IS';
    const rows = await run<{ id: number }>(m, `SELECT t.id AS id FROM tickets t WHERE t.id > :afterId AND t.id <= :lastId AND NOT (t.count_key ${same} (${countKeySql('t')}))`, { afterId, lastId });
    return { lastId, ids: rows.map((r) => Number(r.id)) };
  },

  // The smallest key after `after` that tickets or counters hold (each an index seek).
  async nextKey(m: EntityManager, after: string): Promise<string | null> {
    // Both minimums compared by the database, in its own collation (the order `after` walks in).
    const [r] = await run<{ k: string | null }>(m, `SELECT MIN(k) AS k FROM (SELECT MIN(count_key) AS k FROM tickets WHERE count_key > :after
      UNION ALL SELECT MIN(count_key) AS k FROM ticket_counts WHERE count_key > :after) x`, { after });
    return r?.k ?? null;
  },

  // Recounts one key from the tickets (one index range) and sets its counter. On Postgres the
  // counter row is locked before counting, so a change committed meanwhile is either in both the
  // count and the counter or in neither (its own delta lands after this).
  async recountKey(m: EntityManager, key: string): Promise<{ kept: number; actual: number }> {
    await run(m, 'INSERT INTO ticket_counts (count_key, n) VALUES (:key, 0) ON CONFLICT (count_key) DO NOTHING', { key });
    const [k] = await run<{ n: number | string }>(m, `SELECT n FROM ticket_counts WHERE count_key = :key${isPg(m) ? ' FOR UPDATE' : ''}`, { key });
    const [c] = await run<{ n: number | string }>(m, 'SELECT COUNT(*) AS n FROM tickets WHERE count_key = :key', { key });
    const actual = Number(c.n);
    const kept = k ? Number(k.n) : 0;
    if (actual === 0) await run(m, 'DELETE FROM ticket_counts WHERE count_key = :key', { key });
    else if (actual !== kept) await applyDelta(m, 'ticket_counts', new Map([[key, actual - kept]]));
    return { kept, actual };
  },

  async nextTag(m: EntityManager, after: string): Promise<string | null> {
    const [r] = await run<{ k: string | null }>(m, `SELECT MIN(k) AS k FROM (SELECT MIN(tag) AS k FROM ticket_tags WHERE tag > :after
      UNION ALL SELECT MIN(tag) AS k FROM ticket_tag_counts WHERE tag > :after) x`, { after });
    return r?.k ?? null;
  },

  async recountTag(m: EntityManager, tag: string): Promise<{ kept: number; actual: number }> {
    await run(m, 'INSERT INTO ticket_tag_counts (tag, n) VALUES (:tag, 0) ON CONFLICT (tag) DO NOTHING', { tag });
    const [k] = await run<{ n: number | string }>(m, `SELECT n FROM ticket_tag_counts WHERE tag = :tag${isPg(m) ? ' FOR UPDATE' : ''}`, { tag });
    const [c] = await run<{ n: number | string }>(m, `SELECT COUNT(*) AS n FROM ticket_tags tt JOIN tickets t ON t.id = tt.ticket_id WHERE tt.tag = :tag AND t.count_key LIKE 't|%'`, { tag });
    const kept = Number(k.n);
    const actual = Number(c.n);
    if (actual === 0) await run(m, 'DELETE FROM ticket_tag_counts WHERE tag = :tag', { tag });
    else if (actual !== kept) await applyDelta(m, 'ticket_tag_counts', new Map([[tag, actual - kept]]));
    return { kept, actual };
  },

  // Kept counts rebuilt from the tickets in one go (a bulk load; tests use it as the reference).
  rebuildSql(): string[] {
    return [
      `UPDATE tickets SET count_key = ${countKeySql()}`,
      'DELETE FROM ticket_counts',
      'INSERT INTO ticket_counts (count_key, n) SELECT count_key, COUNT(*) FROM tickets WHERE count_key IS NOT NULL GROUP BY count_key',
      'DELETE FROM ticket_tag_counts',
      `INSERT INTO ticket_tag_counts (tag, n) SELECT tt.tag, COUNT(*) FROM ticket_tags tt JOIN tickets t ON t.id = tt.ticket_id WHERE t.count_key LIKE 't|%' GROUP BY tt.tag`,
    ];
  },

  // What the counts would be if counted afresh from the tickets' rows (tests compare with it).
  async freshCounts(m: EntityManager): Promise<{ keys: Record<string, number>; tags: Record<string, number> }> {
    const keys = await run<{ k: string; n: number | string }>(m, `SELECT k, COUNT(*) AS n FROM (SELECT ${countKeySql('t')} AS k FROM tickets t) x WHERE k IS NOT NULL GROUP BY k`);
    const tags = await run<{ tag: string; n: number | string }>(m, `SELECT tt.tag AS tag, COUNT(*) AS n FROM ticket_tags tt JOIN tickets t ON t.id = tt.ticket_id
      WHERE t.merged_into_id IS NULL AND t.status IN ('new', 'open', 'pending') AND t.automatic IS NULL AND t.snoozed IS NULL GROUP BY tt.tag`);
    return { keys: Object.fromEntries(keys.map((r) => [r.k, Number(r.n)])), tags: Object.fromEntries(tags.map((r) => [r.tag, Number(r.n)])) };
  },

  async keptCounts(m: EntityManager): Promise<{ keys: Record<string, number>; tags: Record<string, number> }> {
    const keys = await run<{ k: string; n: number | string }>(m, 'SELECT count_key AS k, n FROM ticket_counts WHERE n <> 0');
    const tags = await run<{ tag: string; n: number | string }>(m, 'SELECT tag, n FROM ticket_tag_counts WHERE n <> 0');
    return { keys: Object.fromEntries(keys.map((r) => [r.k, Number(r.n)])), tags: Object.fromEntries(tags.map((r) => [r.tag, Number(r.n)])) };
  },

  // Corrupts a counter (tests of the reconciliation only).
  async setForTest(m: EntityManager, key: string, n: number): Promise<void> {
    await run(m, 'UPDATE ticket_counts SET n = :n WHERE count_key = :key', { key, n });
  },
};
