import type { EntityManager } from 'typeorm';
import type { Message, OutboxItem, Ticket } from '../db/entities';
import { outboxRepository } from '../db/repositories/outbox.repository';
import { mayLeaveChorus } from '../policies/audience.policy';

export type OutboxPlan = Pick<OutboxItem, 'kind' | 'payload'>;

// A planner decides what must leave Chorus for a new agent message on a ticket: an email to
// the requester, a platform reply, a callback to the API channel's system…
export type OutboundPlanner = (m: EntityManager, ticket: Ticket, message: Message) => Promise<OutboxPlan[]>;

export class OutboundRouter {
  private planners: OutboundPlanner[] = [];

  register(planner: OutboundPlanner): void {
    this.planners.push(planner);
  }

  // Called inside the reply's transaction, so the message and its deliveries commit together.
  // Staff notes never reach a planner.
  async enqueueFor(m: EntityManager, ticket: Ticket, message: Message, now: number): Promise<number> {
    if (!mayLeaveChorus(message)) return 0;
    let n = 0;
    for (const planner of this.planners) {
      for (const plan of await planner(m, ticket, message)) {
        await outboxRepository.enqueue(m, { ...plan, messageId: message.id, ticketId: ticket.id, inboxId: ticket.inboxId }, now);
        n++;
      }
    }
    return n;
  }
}
