import { agentRepository } from '../../db/repositories/agent.repository';
import { outboxRepository } from '../../db/repositories/outbox.repository';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { translate } from '../../i18n/i18n';
import { chosenAgentLocale } from '../../i18n/locale';
import type { Viewer } from '../../policies/viewer';
import { actorOf, type CommandDeps, loadTicket } from './command-deps';

// Tells agents about a ticket (a rule or macro asked for it): an e-mail to each one's own address
// through the outbox, and one TicketEvent naming who was told and why. Inactive agents are skipped.
export async function notifyAgents(deps: CommandDeps & { publicUrl: string }, viewer: Viewer, ticketId: number, input: { agentIds: number[]; text: string }): Promise<number[]> {
  return deps.db.transaction(async (tx) => {
    const t = await loadTicket(tx.m, ticketId);
    const agents = (await agentRepository.findByIds(tx.m, input.agentIds)).filter((a) => a.active);
    if (!agents.length) return [];
    const now = deps.now();
    // Each agent reads it in the language they chose for the agent app.
    const whyIn = (locale: string) => (deps.cause
      ? translate(locale, 'agent.mail.byCause', { kind: translate(locale, `agent.mail.cause.${deps.cause.kind}`), name: deps.cause.name })
      : viewer.kind === 'agent' ? viewer.name : 'Chorus');
    for (const a of agents) {
      const locale = chosenAgentLocale(a);
      await outboxRepository.enqueue(tx.m, {
        kind: 'notification.email', messageId: null, ticketId: t.id, inboxId: null,
        payload: {
          to: a.email, subject: `#${t.id} ${t.subject}`.slice(0, 200), template: 'automation-notice',
          data: { locale, why: whyIn(locale), ticketId: t.id, subject: t.subject, text: input.text, url: `${deps.publicUrl}/tickets/${t.id}` },
        },
      }, now);
    }
    const ids = agents.map((a) => a.id);
    await ticketEventRepository.record(tx.m, t.id, 'agents.notified', actorOf(viewer, deps.cause), { agentIds: ids }, now);
    tx.emit('ticket.updated', { ticketId: t.id, changes: ['events'], cause: deps.cause });
    return ids;
  });
}
