import { EntityManager } from 'typeorm';
import { type TicketRetention } from '../entities';
import { chainRepository } from './chain.repository';
import { ticketCountRepository } from './ticket-count.repository';

export interface RetentionCandidate { id: number; requesterId: number; inboxId: number; closedAt: number }
export interface Cursor { at: number; id: number }
export interface Removed { messages: number; attachments: number; blobs: number; chainHead: string | null }

export const REMOVED_TEXT = '[removed by retention]';

async function run<T = Record<string, unknown>>(m: EntityManager, sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const [q, p] = m.connection.driver.escapeQueryWithParameters(sql, params);
  return m.query(q, p);
}

// Whether an outbox payload (a webhook's, which names no ticket on its row) is about one of these tickets.
function aboutTickets(v: unknown, ids: Set<number>): boolean {
  if (!v || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some((x) => aboutTickets(x, ids));
  const o = v as Record<string, unknown>;
  if (typeof o.ticketId === 'number' && ids.has(o.ticketId)) return true;
  if (o.ticket && typeof o.ticket === 'object' && ids.has((o.ticket as { id?: number }).id ?? -1)) return true;
  return Object.values(o).some((x) => aboutTickets(x, ids));
}

// What retention reads and removes. Candidates come from ix_tickets_retention_sweep
// (status, inbox_id, retention, status_changed_at) in keyset pages: a sweep reads the closed
// tickets of one inbox and one state past the cut-off, never the whole table.
export const retentionRepository = {
  async candidates(m: EntityManager, q: { inboxId: number; state: TicketRetention; before: number; after: Cursor | null; limit: number }): Promise<RetentionCandidate[]> {
    const state = q.state === null ? 't.retention IS NULL' : 't.retention = :state';
    const page = q.after ? 'AND t.status_changed_at >= :afterAt AND (t.status_changed_at > :afterAt OR t.id > :afterId)' : '';
    const rows = await run(m, `SELECT t.id AS id, t.requester_id AS requester_id, t.inbox_id AS inbox_id, t.status_changed_at AS closed_at FROM tickets t
      WHERE t.status = 'closed' AND t.inbox_id = :inboxId AND ${state} AND t.status_changed_at < :before ${page}
      ORDER BY t.status_changed_at, t.id LIMIT ${Math.floor(q.limit)}`,
    { inboxId: q.inboxId, state: q.state, before: q.before, afterAt: q.after?.at ?? 0, afterId: q.after?.id ?? 0 });
    return rows.map((r) => ({ id: Number(r.id), requesterId: Number(r.requester_id), inboxId: Number(r.inbox_id), closedAt: Number(r.closed_at) }));
  },

  // The plan the sweep's candidate query gets (the benchmark and the docs show it).
  async explainCandidates(m: EntityManager, inboxId: number, before: number): Promise<string> {
    const sql = `SELECT t.id FROM tickets t WHERE t.status = 'closed' AND t.inbox_id = :inboxId AND t.retention IS NULL AND t.status_changed_at < :before ORDER BY t.status_changed_at, t.id LIMIT 200`;
    const isPg = m.connection.options.type === 'postgres';
    const rows = await run(m, `${isPg ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN'} ${sql}`, { inboxId, before });
    return rows.map((r) => String(r['QUERY PLAN'] ?? r.detail)).join('\n');
  },

  async messagesOf(m: EntityManager, ticketId: number): Promise<{ id: number; inboundItemId: number | null }[]> {
    const rows = await run(m, 'SELECT id, inbound_item_id FROM messages WHERE ticket_id = :ticketId ORDER BY id', { ticketId });
    return rows.map((r) => ({ id: Number(r.id), inboundItemId: r.inbound_item_id == null ? null : Number(r.inbound_item_id) }));
  },

  // Deletes a ticket's attachments and every blob no other attachment uses; returns the counts.
  async deleteAttachments(m: EntityManager, messageIds: number[]): Promise<{ attachments: number; blobs: number }> {
    if (!messageIds.length) return { attachments: 0, blobs: 0 };
    chainRepository.attachmentsChanged(m, messageIds);
    const atts = await run(m, 'SELECT id, sha256 FROM attachments WHERE message_id IN (:...messageIds)', { messageIds });
    if (!atts.length) return { attachments: 0, blobs: 0 };
    await run(m, 'DELETE FROM attachments WHERE message_id IN (:...messageIds)', { messageIds });
    let blobs = 0;
    for (const sha of new Set(atts.map((a) => String(a.sha256)))) {
      const used = await run(m, 'SELECT 1 AS x FROM attachments WHERE sha256 = :sha LIMIT 1', { sha });
      if (used.length) continue;
      const had = await run(m, 'SELECT 1 AS x FROM blobs WHERE sha256 = :sha', { sha });
      if (!had.length) continue;
      await run(m, 'DELETE FROM blobs WHERE sha256 = :sha', { sha });
      blobs++;
    }
    return { attachments: atts.length, blobs };
  },

  // Outbox rows and kept mail previews carrying these tickets' words: by the row's ticket or
  // message, and webhook deliveries (no ticket on the row) and previews ([#id] in the subject)
  // found by a substring match, checked exactly here.
  async deleteCopies(m: EntityManager, ticketIds: number[], messageIds: number[]): Promise<void> {
    if (!ticketIds.length) return;
    await run(m, 'DELETE FROM outbox_items WHERE ticket_id IN (:...ticketIds)', { ticketIds });
    if (messageIds.length) await run(m, 'DELETE FROM outbox_items WHERE message_id IN (:...messageIds)', { messageIds });
    const likes = ticketIds.map((_, i) => `payload LIKE :p${i}`).join(' OR ');
    const params = Object.fromEntries(ticketIds.map((id, i) => [`p${i}`, `%${id}%`]));
    const hooks = await run(m, `SELECT id, payload FROM outbox_items WHERE ticket_id IS NULL AND kind = 'webhook' AND (${likes})`, params);
    const ids = new Set(ticketIds);
    const about = hooks.filter((h) => { try { return aboutTickets(JSON.parse(String(h.payload)), ids); } catch { return false; } }).map((h) => Number(h.id));
    if (about.length) {
      await run(m, 'DELETE FROM webhook_attempts WHERE outbox_item_id IN (:...about)', { about });
      await run(m, 'DELETE FROM outbox_items WHERE id IN (:...about)', { about });
    }
    const subj = ticketIds.map((_, i) => `subject LIKE :s${i}`).join(' OR ');
    await run(m, `DELETE FROM mail_previews WHERE ${subj}`, Object.fromEntries(ticketIds.map((id, i) => [`s${i}`, `%[#${id}]%`])));
  },

  // Everything of one ticket, its hash chain included; the reporting facts stay (they hold no
  // text, only ids, times and counts), so the reports keep their figures. Returns what went and
  // the chain's last hash, kept in the run log as proof of what was deleted.
  async purgeTicket(m: EntityManager, ticketId: number): Promise<Removed> {
    const msgs = await this.messagesOf(m, ticketId);
    const messageIds = msgs.map((x) => x.id);
    const itemIds = msgs.map((x) => x.inboundItemId).filter((x): x is number => x !== null);
    await ticketCountRepository.forget(m, [ticketId]);
    const head = (await run(m, 'SELECT hash FROM chain_links WHERE ticket_id = :ticketId ORDER BY seq DESC LIMIT 1', { ticketId }))[0];
    const { attachments, blobs } = await this.deleteAttachments(m, messageIds);
    await this.deleteCopies(m, [ticketId], messageIds);
    if (messageIds.length) {
      for (const table of ['votes', 'flags', 'thread_links']) await run(m, `DELETE FROM ${table} WHERE message_id IN (:...messageIds)`, { messageIds });
    }
    if (itemIds.length) await run(m, 'DELETE FROM inbound_items WHERE id IN (:...itemIds)', { itemIds });
    for (const table of ['thread_links', 'ticket_participants', 'ticket_tags', 'ticket_events', 'ticket_sla_clocks', 'csat_surveys', 'automation_runs', 'chain_links', 'messages']) {
      await run(m, `DELETE FROM ${table} WHERE ticket_id = :ticketId`, { ticketId });
    }
    await run(m, 'DELETE FROM tickets WHERE id = :ticketId', { ticketId });
    return { messages: messageIds.length, attachments, blobs, chainHead: head ? String(head.hash) : null };
  },

  // Anonymises one message in place: what it said and who by become REMOVED_TEXT, its raw item
  // is emptied, and the chain gets a 'redacted' link for the new content (not a gap).
  async anonymiseMessage(m: EntityManager, msg: { id: number; ticketId: number; inboundItemId: number | null }, at: number): Promise<void> {
    await run(m, `UPDATE messages SET text = :t, full_text = NULL, html = NULL, author_name = CASE WHEN author_type = 'agent' THEN author_name ELSE NULL END, delivery_error = NULL, flags = NULL WHERE id = :id`, { t: REMOVED_TEXT, id: msg.id });
    if (msg.inboundItemId !== null) {
      chainRepository.rawChanged(m, msg.inboundItemId);
      await run(m, 'UPDATE inbound_items SET raw = :t, error = NULL, flags = NULL WHERE id = :id', { t: REMOVED_TEXT, id: msg.inboundItemId });
    }
    await chainRepository.queue(m, { ticketId: msg.ticketId, subjectType: 'message', subjectId: msg.id, action: 'redacted', at });
  },

  // The rest of an anonymised ticket's personal data: subject and snippet, the cc list, survey
  // comments, and the copies kept outside its messages.
  async anonymiseTicket(m: EntityManager, ticketId: number, requesterId: number, messageIds: number[], at: number): Promise<void> {
    await run(m, `UPDATE tickets SET subject = :t, snippet = NULL, thread_key = NULL, retention = 'anonymised', updated_at = :at WHERE id = :ticketId`, { t: REMOVED_TEXT, at, ticketId });
    await run(m, 'DELETE FROM ticket_participants WHERE ticket_id = :ticketId AND contact_id <> :requesterId', { ticketId, requesterId });
    await run(m, 'UPDATE csat_surveys SET comment = NULL WHERE ticket_id = :ticketId', { ticketId });
    if (messageIds.length) await run(m, 'UPDATE thread_links SET evidence = NULL WHERE message_id IN (:...messageIds)', { messageIds });
    await this.deleteCopies(m, [ticketId], messageIds);
  },

  // A message whose attachments went: its content (which names them) gets a 'redacted' link.
  async attachmentsRemoved(m: EntityManager, msg: { id: number; ticketId: number }, at: number): Promise<void> {
    await chainRepository.queue(m, { ticketId: msg.ticketId, subjectType: 'message', subjectId: msg.id, action: 'redacted', at });
  },

  async messagesWithAttachments(m: EntityManager, messageIds: number[]): Promise<number[]> {
    if (!messageIds.length) return [];
    return (await run(m, 'SELECT DISTINCT message_id FROM attachments WHERE message_id IN (:...messageIds)', { messageIds })).map((r) => Number(r.message_id));
  },

  async markAttachmentsRemoved(m: EntityManager, ticketId: number, at: number): Promise<void> {
    await run(m, `UPDATE tickets SET retention = 'attachments', updated_at = :at WHERE id = :ticketId AND retention IS NULL`, { at, ticketId });
  },
};

