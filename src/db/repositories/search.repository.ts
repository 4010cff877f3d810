import { EntityManager } from 'typeorm';

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
export async function searchMessages(m: EntityManager, query: string, opts: { publicOnly: boolean; limit: number }): Promise<SearchHit[]> {
  const isPg = m.connection.options.type === 'postgres';
  const visible = opts.publicOnly ? `AND msg.audience = 'public' AND msg.hidden = ${isPg ? 'false' : '0'} AND t.visibility = 'public'` : '';
  if (isPg) {
    // Prefix terms like FTS5's, built from letters and digits only so input is never tsquery syntax.
    const terms = query.split(/\s+/).map((w) => w.replace(/[^\p{L}\p{N}]/gu, '')).filter(Boolean);
    if (!terms.length) return [];
    const tsq = terms.map((w) => `${w}:*`).join(' & ');
    return m.transaction(async (tx) => {
      await tx.query(`SET LOCAL statement_timeout = 2000`);
      const rows = await tx.query(
        `SELECT msg.ticket_id AS "ticketId", msg.id AS "messageId", t.subject, ts_headline('simple', msg.text, to_tsquery('simple', $1), 'MaxWords=24, MinWords=8') AS snippet, msg.audience, msg.created_at AS "createdAt"
           FROM messages msg JOIN tickets t ON t.id = msg.ticket_id
          WHERE to_tsvector('simple', msg.text) @@ to_tsquery('simple', $1) AND t.merged_into_id IS NULL ${visible}
          ORDER BY msg.id DESC LIMIT $2`,
        [tsq, opts.limit],
      );
      return rows.map((r: SearchHit) => ({ ...r, createdAt: Number(r.createdAt) }));
    });
  }
  // Each word as a quoted prefix term: user input never reaches FTS5 syntax.
  const match = query.split(/\s+/).map((w) => w.replace(/"/g, '')).filter(Boolean).map((w) => `"${w}"*`).join(' ');
  if (!match) return [];
  const rows = await m.query(
    `SELECT msg.ticket_id AS ticketId, msg.id AS messageId, t.subject AS subject, snippet(messages_fts, 0, '[', ']', '…', 16) AS snippet, msg.audience AS audience, msg.created_at AS createdAt
       FROM messages_fts JOIN messages msg ON msg.id = messages_fts.rowid JOIN tickets t ON t.id = msg.ticket_id
      WHERE messages_fts MATCH ? AND t.merged_into_id IS NULL ${visible}
      ORDER BY messages_fts.rowid DESC LIMIT ?`,
    [match, opts.limit],
  );
  return rows.map((r: SearchHit) => ({ ...r, createdAt: Number(r.createdAt) }));
}
