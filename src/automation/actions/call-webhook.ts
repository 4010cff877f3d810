import type { OutboxItem } from '../../db/entities';
import { outboxRepository } from '../../db/repositories/outbox.repository';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { hmacHex } from '../../channels/signature';
import { PermanentDeliveryError, RetryLaterError } from '../../outbox/retry-policy';
import { retryAfterMs } from '../../outbox/retry-after';
import { post } from '../webhooks/webhook.sender';
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

// Sent as subscribed webhooks are: node:http with the DNS answer checked at connect time, no
// redirects, no private or loopback address unless CHORUS_WEBHOOKS_ALLOW_PRIVATE allows them, so
// a rule cannot be aimed at the network Chorus runs in.
export function webhookCallSender(timeoutMs: number, allowPrivate: boolean) {
  return async (item: OutboxItem, signal?: AbortSignal) => {
    const p = item.payload as { url?: string; secret?: string | null; body?: unknown } | null;
    if (!p?.url) throw new PermanentDeliveryError('The webhook call has no URL.');
    let url: URL;
    try {
      url = new URL(p.url);
    } catch {
      throw new PermanentDeliveryError(`The webhook URL ${p.url} is not a URL.`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new PermanentDeliveryError(`Only http:// and https:// URLs can be called (not ${url.protocol}).`);
    if (!allowPrivate && (url.hostname === 'localhost' || url.hostname.endsWith('.localhost'))) throw new PermanentDeliveryError(`${url.hostname} is the machine itself; webhooks go to public addresses only.`);
    const body = Buffer.from(JSON.stringify(p.body ?? {}));
    const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': `chorus-outbox-${item.id}` };
    if (p.secret) headers['x-chorus-signature'] = `sha256=${hmacHex(p.secret, body)}`;
    const res = await post(url, headers, body, timeoutMs, allowPrivate, signal ?? new AbortController().signal);
    if (res.status === 429) throw new RetryLaterError('The webhook asked us to slow down (429).', retryAfterMs(res.retryAfter, Date.now(), 30_000));
    if (res.status >= 300 && res.status < 400) throw new PermanentDeliveryError(`The webhook answered with a redirect (HTTP ${res.status}); calls do not follow redirects, so enter the final URL.`);
    if (res.status >= 400 && res.status < 500) throw new PermanentDeliveryError(`The webhook refused the call (HTTP ${res.status}).`);
    if (res.status < 200 || res.status >= 300) throw new Error(`The webhook failed (HTTP ${res.status}).`);
    return { externalId: null };
  };
}
