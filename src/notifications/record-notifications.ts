import type { EntityManager } from 'typeorm';
import { chosenAgentLocale } from '../i18n/locale';
import type { NotificationKind } from '../db/entities';
import { agentRepository } from '../db/repositories/agent.repository';
import { messageRepository } from '../db/repositories/message.repository';
import { notificationRepository } from '../db/repositories/notification.repository';
import { outboxRepository } from '../db/repositories/outbox.repository';
import { ticketEventRepository } from '../db/repositories/ticket-event.repository';
import { ticketRepository } from '../db/repositories/ticket.repository';
import type { DomainEvent } from '../events/event-map';
import { translate } from '../i18n/i18n';

// A notification's title (and the SLA one's excerpt) as catalogue keys with their values: worded
// when it is written, in the language the agent chose for the agent app (else English).
type Words = { key: string; values: Record<string, unknown> };
interface Pending { agentId: number; kind: NotificationKind; ticketId: number; messageId: number | null; title: Words; excerpt: string | Words | null }

const SLA_TARGETS = ['first_response', 'next_response', 'resolution'];
const worded = (locale: string, w: Words) => {
  const values = Object.fromEntries(Object.entries(w.values).map(([k, v]) => [k, v && typeof v === 'object' ? translate(locale, (v as Words).key, (v as Words).values) : v]));
  return translate(locale, w.key, values);
};

// Reads the domain events a transaction emitted and turns the ones an agent should hear about
// into notifications, inside that same transaction (a rolled-back change notifies no one):
// assigned to me (by someone else), mentioned, the customer replied on my ticket, SLA warning.
// Every command and the ingest pipeline pass through here, so no command needs to know.
export async function recordNotifications(m: EntityManager, events: DomainEvent[], opts: { now: number; publicUrl: string }): Promise<void> {
  const pending: Pending[] = [];
  const ticketOf = async (id: number) => ticketRepository.findById(m, id);
  for (const e of events) {
    if (e.name === 'agent.mentioned') {
      const p = e.payload as DomainEvent<'agent.mentioned'>['payload'];
      // In order: this is the change's transaction, whose one connection takes one query at a time.
      const t = await ticketOf(p.ticketId);
      const msg = await messageRepository.findById(m, p.messageId);
      const by = p.byAgentId ? await agentRepository.findById(m, p.byAgentId) : null;
      if (!t) continue;
      pending.push({ agentId: p.agentId, kind: 'mention', ticketId: t.id, messageId: p.messageId, title: { key: 'agent.notice.mention', values: { by: by?.name ?? { key: 'agent.notice.someone', values: {} }, id: t.id, subject: t.subject } }, excerpt: msg?.text.slice(0, 200) ?? null });
    } else if (e.name === 'ticket.updated') {
      const p = e.payload as DomainEvent<'ticket.updated'>['payload'];
      if (!p.changes.includes('assignee')) continue;
      const t = await ticketOf(p.ticketId);
      if (!t?.assigneeId) continue;
      // Taking a ticket yourself is no news to you.
      const ev = await ticketEventRepository.latestOfType(m, t.id, 'assigned');
      if (ev?.actorType === 'agent' && ev.actorId === t.assigneeId) continue;
      const who = ev?.cause ? `${ev.cause.kind} “${ev.cause.name}”` : ev?.actorType === 'agent' && ev.actorId ? (await agentRepository.findById(m, ev.actorId))?.name ?? { key: 'agent.notice.someone', values: {} } : 'Chorus';
      pending.push({ agentId: t.assigneeId, kind: 'assigned', ticketId: t.id, messageId: null, title: { key: 'agent.notice.assigned', values: { id: t.id, subject: t.subject, who } }, excerpt: null });
    } else if (e.name === 'message.created') {
      const p = e.payload as DomainEvent<'message.created'>['payload'];
      // Only an assigned ticket's owner hears of it: most new mail is on unassigned tickets, so
      // the ticket (its assignee and subject alone) is read first and the message only then.
      const t = await ticketRepository.findAssignee(m, p.ticketId);
      if (!t?.assigneeId) continue;
      const msg = await messageRepository.findById(m, p.messageId);
      if (!msg || msg.authorType !== 'contact' || msg.direction !== 'inbound') continue;
      pending.push({ agentId: t.assigneeId, kind: 'reply', ticketId: t.id, messageId: msg.id, title: { key: 'agent.notice.reply', values: { name: msg.authorName ?? { key: 'agent.notice.customer', values: {} }, id: t.id, subject: t.subject } }, excerpt: msg.text.slice(0, 200) });
    } else if (e.name === 'sla.warning') {
      const p = e.payload as DomainEvent<'sla.warning'>['payload'];
      const t = await ticketOf(p.ticketId);
      if (!t?.assigneeId) continue;
      pending.push({ agentId: t.assigneeId, kind: 'sla', ticketId: t.id, messageId: null, title: { key: 'agent.notice.sla', values: { id: t.id, subject: t.subject, target: SLA_TARGETS.includes(p.target) ? { key: `agent.notice.target.${p.target}`, values: {} } : p.target, due: new Date(p.dueAt).toISOString().slice(0, 16).replace('T', ' ') } }, excerpt: { key: 'agent.notice.policy', values: { name: p.policyName } } });
    }
  }
  const seen = new Set<string>();
  for (const n of pending) {
    const key = `${n.agentId}:${n.kind}:${n.ticketId}:${n.messageId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const agent = await agentRepository.findById(m, n.agentId);
    if (!agent?.active) continue;
    const locale = chosenAgentLocale(agent);
    const title = worded(locale, n.title);
    const excerpt = n.excerpt && typeof n.excerpt === 'object' ? worded(locale, n.excerpt) : n.excerpt;
    const id = await notificationRepository.insert(m, { ...n, title, excerpt, createdAt: opts.now });
    // Mentions are e-mailed by the mention command itself (which asks the same preference).
    if (n.kind !== 'mention' && (await notificationRepository.emailKinds(m, n.agentId)).includes(n.kind)) {
      await outboxRepository.enqueue(m, {
        kind: 'notification.email', messageId: null, ticketId: n.ticketId, inboxId: null,
        payload: { to: agent.email, subject: title.slice(0, 200), template: 'notification', data: { locale, title, excerpt, url: `${opts.publicUrl}/tickets/${n.ticketId}`, settingsUrl: `${opts.publicUrl}/notifications/settings` } },
      }, opts.now);
    }
    // Published with the change's own events once it commits (the same list the bus gets).
    events.push({ name: 'notification.created', payload: { agentId: n.agentId, notificationId: id } });
  }
}
