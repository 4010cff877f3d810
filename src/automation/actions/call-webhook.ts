import type { OutboxItem } from '../../db/entities';
import { outboxRepository } from '../../db/repositories/outbox.repository';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { hmacHex } from '../../channels/signature';
import { PermanentDeliveryError, RetryLaterError } from '../../outbox/retry-policy';
import type { Viewer } from '../../policies/viewer';
import { actorOf, type CommandDeps, loadTicket } from '../../tickets/commands/command-deps';

export const WEBHOOK_CALL_KIND = 'automation.webhook';

// A rule or macro POSTs the ticket's state (never a message: no audience question arises) to a
// URL through the outbox, so a slow or failing receiver is retried and never holds up the rule.
export async function callWebhook(deps: CommandDeps, viewer: Viewer, ticketId: number, input: { url: string; secret?: string }): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const t = await loadTicket(tx.m, ticketId);
    const now = deps.now();
    const tags = (await ticketRepository.tagsOf(tx.m, [t.id])).get(t.id) ?? [];
    const body = {
      event: 'automation.action', at: new Date(now).toISOString(), cause: deps.cause ?? null,
      ticket: {
        id: t.id, subject: t.subject, status: t.status, priority: t.priority, visibility: t.visibility, channel: t.channel,
        inboxId: t.inboxId, assigneeId: t.assigneeId, teamId: t.teamId, tags, createdAt: new Date(t.createdAt).toISOString(),
      },
    };
    const itemId = await outboxRepository.enqueue(tx.m, { kind: WEBHOOK_CALL_KIND, messageId: null, ticketId: t.id, inboxId: null, payload: { url: input.url, secret: input.secret ?? null, body } }, now);
    await ticketEventRepository.record(tx.m, t.id, 'webhook.called', actorOf(viewer, deps.cause), { url: input.url, outboxItemId: itemId }, now);
    tx.emit('ticket.updated', { ticketId: t.id, changes: ['events'], cause: deps.cause });
  });
}

export function webhookCallSender(timeoutMs: number) {
  return async (item: OutboxItem, signal?: AbortSignal) => {
    const p = item.payload as { url?: string; secret?: string | null; body?: unknown } | null;
    if (!p?.url) throw new PermanentDeliveryError('The webhook call has no URL.');
    const body = Buffer.from(JSON.stringify(p.body ?? {}));
    const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': `chorus-outbox-${item.id}` };
    if (p.secret) headers['x-chorus-signature'] = `sha256=${hmacHex(p.secret, body)}`;
    const res = await fetch(p.url, {
      method: 'POST', headers, body,
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
    }).catch((err) => {
      if ((err as Error).name === 'TimeoutError') throw new Error(`The webhook did not answer within ${Math.round(timeoutMs / 100) / 10} s.`);
      throw err;
    });
    if (res.status === 429) throw new RetryLaterError('The webhook asked us to slow down (429).', Number(res.headers.get('retry-after') ?? 30) * 1000);
    if (res.status >= 400 && res.status < 500) throw new PermanentDeliveryError(`The webhook refused the call (HTTP ${res.status}).`);
    if (!res.ok) throw new Error(`The webhook failed (HTTP ${res.status}).`);
    return { externalId: null };
  };
}
