import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Webhook } from '../../db/entities';
import { outboxRepository } from '../../db/repositories/outbox.repository';
import { webhookRepository } from '../../db/repositories/webhook.repository';
import { VersionedCache } from '../../db/versioned-cache';
import type { EventMap } from '../../events/event-map';
import type { Services } from '../../services';
import { buildWebhookData } from './webhook-payload';
import { TEST_EVENT, WEBHOOK_EVENTS, type WebhookEvent } from './webhook-events';

export interface WebhookDelivery {
  webhookId: number;
  deliveryId: string;
  event: string;
  url: string;
  body: { id: string; event: string; occurredAt: string; webhook: { id: number; audience: string }; data: Record<string, unknown> };
}

// Queues one delivery in the outbox. No ticket or message id on the row: a slow receiver must
// never hold back a ticket's replies, nor mark an agent's message failed.
export async function enqueueDelivery(m: EntityManager, hook: Webhook, event: string, data: Record<string, unknown>, now: number): Promise<string> {
  const deliveryId = randomUUID();
  const payload: WebhookDelivery = {
    webhookId: hook.id, deliveryId, event, url: hook.url,
    body: { id: deliveryId, event, occurredAt: new Date(now).toISOString(), webhook: { id: hook.id, audience: hook.audience }, data },
  };
  await outboxRepository.enqueue(m, { kind: 'webhook', messageId: null, ticketId: null, inboxId: null, payload: payload as unknown as Record<string, unknown> }, now);
  return deliveryId;
}

export async function enqueueTest(s: Services, hook: Webhook): Promise<string> {
  return s.db.transaction(({ m }) => enqueueDelivery(m, hook, TEST_EVENT, { message: 'A test delivery from Chorus: the URL answers and the signature can be checked with this webhook\'s secret.' }, s.now()));
}

// Inside the transaction of every change that emits a subscribed event, each active webhook gets
// a delivery row in the outbox, its payload built for its audience from the rows as they are at
// commit: the change and its deliveries commit together, so a crash right after loses neither.
// Each audience's payload is built once per event, however many webhooks share it. Once the
// change commits, the worker is told at once ('outbox.enqueued') instead of at its next poll.
export function startWebhookDispatcher(s: Services): void {
  const subscribed = new Set<string>(WEBHOOK_EVENTS);
  // Read on every subscribed event; the node's copy is checked against the table's stamp, so a
  // webhook changed on any node (its audience above all) is used as it now is.
  const active = new VersionedCache('webhooks', (m) => webhookRepository.listActive(m));
  s.db.onCommit(async (m, events) => {
    const relevant = events.filter((e) => subscribed.has(e.name));
    if (!relevant.length) return;
    const hooks = await active.get(m, events);
    if (!hooks.length) return;
    for (const e of relevant) {
      const built = new Map<string, Record<string, unknown> | null>();
      for (const hook of hooks.filter((h) => h.events.includes(e.name))) {
        if (!built.has(hook.audience)) built.set(hook.audience, await buildWebhookData(m, hook, e.name as WebhookEvent, e.payload as EventMap[WebhookEvent], s.config.publicUrl));
        const data = built.get(hook.audience);
        if (!data) continue;
        await enqueueDelivery(m, hook, e.name, data, s.now());
      }
    }
  });
}
