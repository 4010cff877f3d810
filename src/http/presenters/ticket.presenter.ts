import type { EntityManager } from 'typeorm';
import type { Agent, Contact, Identity, Ticket } from '../../db/entities';
import { agentRepository } from '../../db/repositories/agent.repository';
import { contactRepository } from '../../db/repositories/contact.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { isoOrNull } from './time';

const iso = isoOrNull;

export function presentContactBrief(c: Contact | undefined, identities: Identity[] = []) {
  if (!c) return null;
  const followers = identities.reduce((n, i) => Math.max(n, i.followers ?? 0), 0);
  return { id: c.id, name: c.name, avatarUrl: c.avatarUrl, reputation: c.reputation, followers: followers || null };
}

export function presentAgentBrief(a: Agent | undefined) {
  return a ? { id: a.id, name: a.name, email: a.email } : null;
}

// Ticket rows for agent lists: loads requesters, assignees and tags for the page in three queries.
export async function presentTicketList(m: EntityManager, tickets: Ticket[]) {
  const [contacts, agents, tags] = await Promise.all([
    contactRepository.findByIds(m, tickets.map((t) => t.requesterId)),
    agentRepository.findByIds(m, tickets.flatMap((t) => (t.assigneeId ? [t.assigneeId] : []))),
    ticketRepository.tagsOf(m, tickets.map((t) => t.id)),
  ]);
  const identities = await contactRepository.identitiesOf(m, contacts.map((c) => c.id));
  const byContact = new Map(contacts.map((c) => [c.id, c]));
  const byAgent = new Map(agents.map((a) => [a.id, a]));
  return tickets.map((t) =>
    presentTicket(t, {
      requester: presentContactBrief(byContact.get(t.requesterId), identities.filter((i) => i.contactId === t.requesterId)),
      assignee: t.assigneeId ? presentAgentBrief(byAgent.get(t.assigneeId)) : null,
      tags: tags.get(t.id) ?? [],
    }),
  );
}

export function presentTicket(t: Ticket, extra: { requester: unknown; assignee: unknown; tags: string[] }) {
  return {
    id: t.id,
    number: t.id,
    subject: t.subject,
    status: t.status,
    priority: t.priority,
    visibility: t.visibility,
    channel: t.channel,
    inboxId: t.inboxId,
    teamId: t.teamId,
    requester: extra.requester,
    assignee: extra.assignee,
    tags: extra.tags,
    snippet: t.snippet,
    messageCount: t.messageCount,
    mergedIntoId: t.mergedIntoId,
    followUpOfId: t.followUpOfId,
    acceptedMessageId: t.acceptedMessageId,
    // Why automatic mail opened it (kept out of the triage views), or null.
    automatic: t.automatic,
    // Out of the triage views until a time, or until the customer answers (until: null); or null.
    snooze: t.snoozed ? { until: iso(t.snoozedUntil), untilCustomerAnswers: t.snoozed === 'reply' } : null,
    firstResponseAt: iso(t.firstResponseAt),
    solvedAt: iso(t.solvedAt),
    slaDueAt: iso(t.slaDueAt),
    slaTarget: t.slaTarget ?? null,
    lastActivityAt: iso(t.lastActivityAt),
    createdAt: iso(t.createdAt),
    updatedAt: iso(t.updatedAt),
  };
}
