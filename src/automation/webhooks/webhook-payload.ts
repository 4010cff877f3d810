import type { EntityManager } from 'typeorm';
import type { Webhook } from '../../db/entities';
import { messageRepository } from '../../db/repositories/message.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import type { EventMap } from '../../events/event-map';
import { presentMessages } from '../../http/presenters/message.presenter';
import { presentTicketList } from '../../http/presenters/ticket.presenter';
import { canSeeMessage, canViewTicket, webhookReader } from '../../policies/audience.policy';
import { threadPath } from '../../web/thread-path';
import type { WebhookEvent } from './webhook-events';

// Ticket changes a webhook below staff may hear of: what the customer's own page shows changed.
// (Tags are left out: an internal tag's change would announce itself by the event alone.)
const CUSTOMER_VISIBLE_CHANGES = new Set(['status', 'visibility', 'subject', 'merged', 'split', 'accepted']);

// The `data` of one event for one webhook, built through the audience policy the way its pages
// are; null when this webhook may not hear of the event at all (a note for a non-staff webhook,
// a private ticket for a public one, an internal change, an SLA breach for anyone but staff).
export async function buildWebhookData<K extends WebhookEvent>(m: EntityManager, hook: Pick<Webhook, 'audience'>, event: K, payload: EventMap[K], publicUrl: string): Promise<Record<string, unknown> | null> {
  const ticket = await ticketRepository.findById(m, payload.ticketId);
  if (!ticket) return null;
  const { viewer, facts } = webhookReader(hook.audience, ticket);
  if (!canViewTicket(viewer, facts)) return null;
  const staff = viewer.kind === 'agent';
  const presentTicket = async () => {
    if (staff) return (await presentTicketList(m, [ticket]))[0];
    const tags = (await ticketRepository.tagsOf(m, [ticket.id], { publicOnly: true })).get(ticket.id) ?? [];
    return {
      id: ticket.id, number: ticket.id, subject: ticket.subject, status: ticket.status, visibility: ticket.visibility, channel: ticket.channel,
      tags, url: publicUrl + threadPath(ticket), createdAt: new Date(ticket.createdAt).toISOString(), updatedAt: new Date(ticket.updatedAt).toISOString(),
    };
  };

  switch (event) {
    case 'ticket.created':
      return { ticket: await presentTicket() };
    case 'ticket.updated': {
      const changes = (payload as EventMap['ticket.updated']).changes.filter((c) => staff || CUSTOMER_VISIBLE_CHANGES.has(c));
      if (!changes.length) return null;
      // Which rule or macro made the change is staff information.
      const cause = staff ? (payload as EventMap['ticket.updated']).cause ?? null : undefined;
      return { ticket: await presentTicket(), changes, ...(cause !== undefined ? { cause } : {}) };
    }
    case 'message.created': {
      const msg = await messageRepository.findById(m, (payload as EventMap['message.created']).messageId);
      if (!msg || !canSeeMessage(viewer, facts, msg)) return null;
      const [message] = await presentMessages(m, viewer, [msg]);
      const cause = staff ? (payload as EventMap['message.created']).cause ?? null : undefined;
      return { ticket: await presentTicket(), message, ...(cause !== undefined ? { cause } : {}) };
    }
    case 'sla.breached': {
      if (!staff) return null;
      const p = payload as EventMap['sla.breached'];
      return { ticket: await presentTicket(), sla: { policyId: p.policyId, policy: p.policyName, target: p.target, dueAt: new Date(p.dueAt).toISOString() } };
    }
    case 'csat.received': {
      // A rating and its comment are staff information (shown on the agent's ticket only): a
      // participants webhook would hand one customer's verdict to everyone copied on the thread.
      if (!staff) return null;
      const p = payload as EventMap['csat.received'];
      return { ticket: await presentTicket(), rating: { id: p.ratingId, score: p.score, comment: p.comment, previousScore: p.previousScore ?? null } };
    }
  }
  return null;
}
