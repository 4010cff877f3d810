import { EntityManager } from 'typeorm';
import { MailPreview, OutboxItem } from '../entities';

// Whether an outbox payload is about this ticket: its row says so, or (webhook deliveries, which
// carry no ticket id on the row) the payload names the ticket.
function aboutTicket(v: unknown, ticketId: number): boolean {
  if (!v || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some((x) => aboutTicket(x, ticketId));
  const o = v as Record<string, unknown>;
  if (o.ticketId === ticketId) return true;
  if (o.ticket && typeof o.ticket === 'object' && (o.ticket as { id?: unknown }).id === ticketId) return true;
  return Object.values(o).some((x) => aboutTicket(x, ticketId));
}

// Copies of a ticket's words kept outside its messages: outbox payloads (queued and sent
// webhooks, social and API callbacks) and kept e-mail previews (their subject carries [#id]).
// A redaction reaches them too, and only this ticket's. Rare and deliberate, so a substring
// scan of those two tables is acceptable.
export const redactionRepository = {
  async copiesContaining(m: EntityManager, forms: string[], ticketId: number | null): Promise<{ outbox: OutboxItem[]; previews: MailPreview[] }> {
    if (!forms.length) return { outbox: [], previews: [] };
    const like = (col: string) => forms.map((_, i) => `${col} LIKE :f${i} ESCAPE '\\'`).join(' OR ');
    const params = Object.fromEntries(forms.map((f, i) => [`f${i}`, `%${f.replace(/[\\%_]/g, (c) => `\\${c}`)}%`]));
    const outbox = await m.getRepository(OutboxItem).createQueryBuilder('o').where(`(${like('o.payload')})`, params).getMany();
    const previews = await m.getRepository(MailPreview).createQueryBuilder('p').where(`(${like('p.raw')})`, params).getMany();
    // null: wherever they are (an erasure removes a person's own addresses everywhere).
    if (ticketId === null) return { outbox, previews };
    return {
      outbox: outbox.filter((o) => o.ticketId === ticketId || (o.ticketId === null && aboutTicket(o.payload, ticketId))),
      previews: previews.filter((p) => p.subject.includes(`[#${ticketId}]`)),
    };
  },

  async rewriteOutboxPayload(m: EntityManager, id: number, payload: Record<string, unknown> | null): Promise<void> {
    await m.getRepository(OutboxItem).update({ id }, { payload: payload as never });
  },

  async rewritePreview(m: EntityManager, id: number, patch: Partial<Pick<MailPreview, 'raw' | 'subject' | 'recipients'>>): Promise<void> {
    await m.getRepository(MailPreview).update({ id }, patch);
  },
};
