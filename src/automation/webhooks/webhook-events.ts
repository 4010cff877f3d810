import type { EventName } from '../../events/event-map';

// The domain events an admin can subscribe a webhook to, in the order the form lists them.
export const WEBHOOK_EVENTS = ['ticket.created', 'ticket.updated', 'message.created', 'sla.breached', 'csat.received'] as const satisfies readonly EventName[];
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

// What "send test" delivers: no ticket, no content, just proof that URL and secret work.
export const TEST_EVENT = 'webhook.test';

export const EVENT_LABELS: Record<WebhookEvent, string> = {
  'ticket.created': 'Ticket created',
  'ticket.updated': 'Ticket updated',
  'message.created': 'Message created',
  'sla.breached': 'SLA breached (staff webhooks only)',
  'csat.received': 'CSAT rating received (participants and staff webhooks)',
};
