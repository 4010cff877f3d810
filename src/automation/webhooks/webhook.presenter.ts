import type { EntityManager } from 'typeorm';
import type { Webhook, WebhookAttempt } from '../../db/entities';
import { outboxRepository } from '../../db/repositories/outbox.repository';
import { isoOrNull } from '../../http/presenters/time';

// Never the secret: it is shown once, by the create and rotate answers.
export function presentWebhook(h: Webhook) {
  return { id: h.id, name: h.name, url: h.url, events: h.events, audience: h.audience, active: h.active, createdAt: isoOrNull(h.createdAt), updatedAt: isoOrNull(h.updatedAt) };
}

export function presentAttempt(a: WebhookAttempt) {
  return {
    id: a.id, deliveryId: a.deliveryId, event: a.event, attempt: a.attempt, outcome: a.outcome, statusCode: a.statusCode,
    durationMs: a.durationMs, error: a.error, at: isoOrNull(a.at),
  };
}

// Attempts for the log, each retrying one with when its delivery is tried next (while it waits).
export async function presentAttempts(m: EntityManager, attempts: WebhookAttempt[]) {
  const ids = [...new Set(attempts.filter((a) => a.outcome === 'retrying' && a.outboxItemId).map((a) => a.outboxItemId!))];
  const items = new Map((await Promise.all(ids.map((id) => outboxRepository.findById(m, id)))).flatMap((i) => (i ? [[i.id, i] as const] : [])));
  const latest = new Set<number>();
  return attempts.map((a) => {
    const item = a.outboxItemId ? items.get(a.outboxItemId) : undefined;
    // Only the newest attempt of a delivery that still waits names the next try.
    const waiting = !!item && item.state === 'queued' && !latest.has(item.id) && item.attempts === a.attempt;
    if (item) latest.add(item.id);
    return { ...presentAttempt(a), nextAttemptAt: waiting ? isoOrNull(item!.nextAttemptAt) : null };
  });
}
