import type { EntityManager } from 'typeorm';
import type { Message, OutboxItem, Ticket } from '../../db/entities';
import { inboxRepository } from '../../db/repositories/inbox.repository';
import type { Db } from '../../db/transaction';
import { PermanentDeliveryError, RetryLaterError } from '../../outbox/retry-policy';
import { retryAfterMs } from '../../outbox/retry-after';
import type { OutboxPlan } from '../../outbox/outbound-router';
import { hmacHex } from '../signature';

// Agent replies on an API-channel ticket are POSTed to the inbox's callbackUrl, signed with its secret.
export async function planApiCallback(m: EntityManager, ticket: Ticket, message: Message): Promise<OutboxPlan[]> {
  if (ticket.channel !== 'api') return [];
  const inbox = await inboxRepository.findById(m, ticket.inboxId);
  if (!inbox?.settings?.callbackUrl) return [];
  return [{
    kind: 'api-callback',
    payload: {
      url: inbox.settings.callbackUrl,
      body: {
        event: 'message.created', ticketId: ticket.id, threadKey: ticket.threadKey, messageId: message.id,
        audience: message.audience, text: message.text, html: message.html, createdAt: new Date(message.createdAt).toISOString(),
      },
    },
  }];
}

export function apiCallbackSender(db: Db, timeoutMs: number) {
  return async (item: OutboxItem, signal?: AbortSignal) => {
    const inbox = await inboxRepository.findById(db.m, item.inboxId!);
    if (!inbox) throw new PermanentDeliveryError('The inbox was deleted.');
    const body = Buffer.from(JSON.stringify((item.payload as { body: unknown }).body));
    const res = await fetch(String(item.payload!.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-chorus-signature': `sha256=${hmacHex(inbox.secret, body)}`, 'idempotency-key': `chorus-outbox-${item.id}` },
      body,
      // Our own request timeout, and the outbox's signal when it gives up on the send.
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
    }).catch((err) => {
      if ((err as Error).name === 'TimeoutError') throw new Error(`The receiving system did not answer within ${Math.round(timeoutMs / 100) / 10} s.`);
      throw err;
    });
    if (res.status === 429) throw new RetryLaterError('The receiving system asked us to slow down (429).', retryAfterMs(res.headers.get('retry-after'), Date.now(), 30_000));
    if (res.status >= 400 && res.status < 500) throw new PermanentDeliveryError(`The receiving system refused the reply (HTTP ${res.status}).`);
    if (!res.ok) throw new Error(`The receiving system failed (HTTP ${res.status}).`);
    const json = (await res.json().catch(() => null)) as { id?: string } | null;
    return { externalId: json?.id ? String(json.id) : null };
  };
}
