import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Webhook } from '../../db/entities';
import { outboxRepository } from '../../db/repositories/outbox.repository';
import { webhookRepository } from '../../db/repositories/webhook.repository';
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
  const id = await s.db.transaction(({ m }) => enqueueDelivery(m, hook, TEST_EVENT, { message: 'A test delivery from Chorus: the URL answers and the signature can be checked with this webhook\'s secret.' }, s.now()));
  s.outbox.poke();
  return id;
}

// After each commit, every active webhook subscribed to the event gets a delivery whose payload
// was built for its audience. (Built after the commit from the rows as they are then, so a
// thread made private meanwhile goes to no public webhook.)
export function startWebhookDispatcher(s: Services): void {
  const dispatch = async <K extends WebhookEvent>(event: K, payload: EventMap[K]) => {
    const hooks = (await webhookRepository.listActive(s.db.m)).filter((h) => h.events.includes(event));
    if (!hooks.length) return;
    const planned: { hook: Webhook; data: Record<string, unknown> }[] = [];
    for (const hook of hooks) {
      const data = await buildWebhookData(s.db.m, hook, event, payload, s.config.publicUrl);
      if (data) planned.push({ hook, data });
    }
    if (!planned.length) return;
    await s.db.transaction(async ({ m }) => {
      for (const p of planned) await enqueueDelivery(m, p.hook, event, p.data, s.now());
    });
    s.outbox.poke();
  };
  for (const event of WEBHOOK_EVENTS) s.bus.on(event, (payload) => dispatch(event, payload as never));
}
