import type { Webhook, WebhookAttempt } from '../../db/entities';
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
