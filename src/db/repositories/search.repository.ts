import { EntityManager } from 'typeorm';

// Every word becomes a prefix term; user input never reaches FTS5 or tsquery syntax.
// SQLite: each word quoted ("word"*). Postgres: letters and digits only (word:* & …).
function ftsPrefixMatch(query: string): string {
  return query.split(/[\s\p{Cc}]+/u).map((w) => w.replace(/"/g, '')).filter(Boolean).map((w) => `"${w}"*`).join(' ');
}
function tsPrefixQuery(query: string): string {
  return query.split(/\s+/).map((w) => w.replace(/[^\p{L}\p{N}]/gu, '')).filter(Boolean).map((w) => `${w}:*`).join(' & ');
}

// Postgres: a search may never hold a connection for long, whatever was typed.
async function boundedQuery(m: EntityManager, sql: string, params: unknown[]): Promise<any[]> {
  return m.transaction(async (tx) => {
    await tx.query('SET LOCAL statement_timeout = 2000');
    return tx.query(sql, params);
  });
}

export interface SearchHit {
  ticketId: number;
  messageId: number;
  subject: string;
  snippet: string;
  audience: string;
  createdAt: number;
}

// Newest matches first with a hard LIMIT, so a very common word stops after a page instead of
// ranking every hit. `publicOnly` restricts to public, visible messages of public tickets.
// Matched words in the snippet are wrapped in `marks` (default [ and ]). `beforeId` pages on:
// the next page is the matches older than the last message shown.
export async function searchMessages(m: EntityManager, query: string, opts: { publicOnly: boolean; limit: number; marks?: [string, string]; beforeId?: number }): Promise<SearchHit[]> {
  const [open, close] = opts.marks ?? ['[', ']'];
  const before = opts.beforeId ?? 2 ** 31 - 1;
  const isPg = m.connection.options.type === 'postgres';
  const visible = opts.publicOnly ? `AND msg.audience = 'public' AND msg.hidden = ${isPg ? 'false' : '0'} AND t.visibility = 'public'` : '';
  if (isPg) {
    const tsq = tsPrefixQuery(query);
    if (!tsq) return [];
    const rows = await boundedQuery(m,
        `SELECT msg.ticket_id AS "ticketId", msg.id AS "messageId", t.subject, ts_headline('simple', msg.text, to_tsquery('simple', $1), $3) AS snippet, msg.audience, msg.created_at AS "createdAt"
           FROM messages msg JOIN tickets t ON t.id = msg.ticket_id
          WHERE to_tsvector('simple', msg.text) @@ to_tsquery('simple', $1) AND msg.id < $4 AND t.merged_into_id IS NULL ${visible}
          ORDER BY msg.id DESC LIMIT $2`,
        [tsq, opts.limit, `MaxWords=24, MinWords=8, StartSel="${open}", StopSel="${close}"`, before],
      );
    return rows.map((r: SearchHit) => ({ ...r, createdAt: Number(r.createdAt) }));
  }
  const match = ftsPrefixMatch(query);
  if (!match) return [];
  const rows = await m.query(
    `SELECT msg.ticket_id AS ticketId, msg.id AS messageId, t.subject AS subject, snippet(messages_fts, 0, ?, ?, '…', 16) AS snippet, msg.audience AS audience, msg.created_at AS createdAt
       FROM messages_fts JOIN messages msg ON msg.id = messages_fts.rowid JOIN tickets t ON t.id = msg.ticket_id
      WHERE messages_fts MATCH ? AND messages_fts.rowid < ? AND t.merged_into_id IS NULL ${visible}
      ORDER BY messages_fts.rowid DESC LIMIT ?`,
    [open, close, match, before, opts.limit],
  );
  return rows.map((r: SearchHit) => ({ ...r, createdAt: Number(r.createdAt) }));
}

export interface SubjectHit {
  ticketId: number;
  subject: string;
  status: string;
  lastActivityAt: number;
}

// Tickets whose subject matches, newest activity first. Agents only (subjects of private
// tickets are staff information); the same prefix-term rules as message search.
export async function searchSubjects(m: EntityManager, query: string, limit: number): Promise<SubjectHit[]> {
  const isPg = m.connection.options.type === 'postgres';
  if (isPg) {
    const tsq = tsPrefixQuery(query);
    if (!tsq) return [];
    const rows = await boundedQuery(m,
        `SELECT t.id AS "ticketId", t.subject, t.status, t.last_activity_at AS "lastActivityAt" FROM tickets t
          WHERE to_tsvector('simple', t.subject) @@ to_tsquery('simple', $1) AND t.merged_into_id IS NULL ORDER BY t.id DESC LIMIT $2`,
        [tsq, limit],
      );
    return rows.map((r: SubjectHit) => ({ ...r, lastActivityAt: Number(r.lastActivityAt) }));
  }
  const match = ftsPrefixMatch(query);
  if (!match) return [];
  const rows = await m.query(
    `SELECT t.id AS ticketId, t.subject AS subject, t.status AS status, t.last_activity_at AS lastActivityAt
       FROM tickets_fts JOIN tickets t ON t.id = tickets_fts.rowid
      WHERE tickets_fts MATCH ? AND t.merged_into_id IS NULL ORDER BY tickets_fts.rowid DESC LIMIT ?`,
    [match, limit],
  );
  return rows.map((r: SubjectHit) => ({ ...r, lastActivityAt: Number(r.lastActivityAt) }));
}

// Public questions matching a search, for the community lists: through the full-text index, in
// public-only mode — the subject of a public ticket, or a public, visible post of one. Staff
// notes and participant-only replies never match. Best matches by recency, bounded.
export async function searchPublicQuestions(m: EntityManager, query: string, limit: number): Promise<number[]> {
  const isPg = m.connection.options.type === 'postgres';
  const no = isPg ? 'false' : '0';
  const live = `t.visibility = 'public' AND t.merged_into_id IS NULL`;
  let rows: { ticketId: number | string }[];
  if (isPg) {
    const tsq = tsPrefixQuery(query);
    if (!tsq) return [];
    rows = await boundedQuery(m,
      `SELECT x."ticketId" FROM (
         SELECT t.id AS "ticketId", t.last_activity_at AS at FROM tickets t WHERE ${live} AND to_tsvector('simple', t.subject) @@ to_tsquery('simple', $1)
         UNION
         SELECT t.id, t.last_activity_at FROM messages msg JOIN tickets t ON t.id = msg.ticket_id
          WHERE ${live} AND msg.audience = 'public' AND msg.hidden = ${no} AND to_tsvector('simple', msg.text) @@ to_tsquery('simple', $1)
       ) x ORDER BY x.at DESC, x."ticketId" DESC LIMIT $2`,
      [tsq, limit]);
  } else {
    const match = ftsPrefixMatch(query);
    if (!match) return [];
    rows = await m.query(
      `SELECT x.ticketId AS ticketId FROM (
         SELECT t.id AS ticketId, t.last_activity_at AS at FROM tickets_fts JOIN tickets t ON t.id = tickets_fts.rowid WHERE tickets_fts MATCH ? AND ${live}
         UNION
         SELECT t.id, t.last_activity_at FROM messages_fts JOIN messages msg ON msg.id = messages_fts.rowid JOIN tickets t ON t.id = msg.ticket_id
          WHERE messages_fts MATCH ? AND ${live} AND msg.audience = 'public' AND msg.hidden = ${no}
       ) x ORDER BY x.at DESC, x.ticketId DESC LIMIT ?`,
      [match, match, limit]);
  }
  return [...new Set(rows.map((r) => Number(r.ticketId)))];
}

// The words of a question being typed that are worth matching: letters and digits, four or more
// characters (so "how", "do", "my" do not match every question), at most eight.
export function suggestionWords(text: string): string[] {
  const words = text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => [...w].length >= 4);
  return [...new Set(words)].slice(0, 8);
}

// Solved public questions whose title shares words with the one being typed, best match first
// (any of the words, ranked by the index's relevance). Titles only: a ticket subject is public
// on a public question, and no staff note or private reply can make a question match.
export async function suggestSolvedQuestions(m: EntityManager, text: string, limit: number): Promise<{ id: number; subject: string; acceptedMessageId: number | null }[]> {
  const words = suggestionWords(text);
  if (!words.length) return [];
  const solved = `t.visibility = 'public' AND t.merged_into_id IS NULL AND (t.status IN ('solved', 'closed') OR t.accepted_message_id IS NOT NULL)`;
  const rows: Record<string, unknown>[] = m.connection.options.type === 'postgres'
    ? await boundedQuery(m,
      `SELECT t.id, t.subject, t.accepted_message_id FROM tickets t, to_tsquery('simple', $1) q
        WHERE ${solved} AND to_tsvector('simple', t.subject) @@ q
        ORDER BY ts_rank(to_tsvector('simple', t.subject), q) DESC, t.id DESC LIMIT $2`,
      [words.map((w) => `${w}:*`).join(' | '), limit])
    : await m.query(
      `SELECT t.id, t.subject, t.accepted_message_id FROM tickets_fts JOIN tickets t ON t.id = tickets_fts.rowid
        WHERE tickets_fts MATCH ? AND ${solved} ORDER BY bm25(tickets_fts), t.id DESC LIMIT ?`,
      [words.map((w) => `"${w}"*`).join(' OR '), limit]);
  return rows.map((r) => ({ id: Number(r.id), subject: String(r.subject), acceptedMessageId: r.accepted_message_id == null ? null : Number(r.accepted_message_id) }));
}
