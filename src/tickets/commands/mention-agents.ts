import type { Agent } from '../../db/entities';
import { agentRepository } from '../../db/repositories/agent.repository';
import { messageRepository } from '../../db/repositories/message.repository';
import { notificationRepository } from '../../db/repositories/notification.repository';
import { outboxRepository } from '../../db/repositories/outbox.repository';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { translate } from '../../i18n/i18n';
import { chosenAgentLocale } from '../../i18n/locale';
import type { Viewer } from '../../policies/viewer';
import { factsWriter } from '../../reports/facts-writer';
import { actorOf, CommandDeps } from './command-deps';

// `@handle` picks an agent by the local part of their e-mail (@sam for sam@acme.test) or by their
// name without spaces (@SamLee). Addresses such as a@b.com are not mentions.
export function findMentions(text: string, agents: Pick<Agent, 'id' | 'email' | 'name' | 'active'>[]): number[] {
  const handles = new Set<string>();
  for (const m of text.matchAll(/(^|[^\w@.])@([\p{L}\p{N}._-]{2,64})/gu)) handles.add(m[2].replace(/[._-]+$/, '').toLowerCase());
  if (!handles.size) return [];
  return agents
    .filter((a) => a.active && (handles.has(a.email.split('@')[0].toLowerCase()) || handles.has(a.name.replace(/\s+/g, '').toLowerCase())))
    .map((a) => a.id);
}

// Records each mention on the ticket, tells the mentioned agent wherever they are in the app,
// and e-mails them (to their own address only) so a mention is not missed while they are away.
export async function mentionAgents(deps: CommandDeps & { publicUrl: string }, viewer: Viewer, ticketId: number, messageId: number, text: string): Promise<number[]> {
  // Most messages mention nobody: they cost no transaction.
  if (!text.includes('@')) return [];
  return deps.db.transaction(async (tx) => {
    const agents = await agentRepository.list(tx.m);
    const ids = findMentions(text, agents).filter((id) => !(viewer.kind === 'agent' && viewer.agentId === id));
    if (!ids.length) return ids;
    const ticket = await ticketRepository.findById(tx.m, ticketId);
    const message = await messageRepository.findById(tx.m, messageId);
    const by = viewer.kind === 'agent' ? viewer.name : null;
    for (const agentId of ids) {
      const to = agents.find((a) => a.id === agentId)!;
      await ticketEventRepository.record(tx.m, ticketId, 'mentioned', actorOf(viewer, deps.cause), { agentId, messageId }, deps.now());
      if (ticket) await factsWriter.mentioned(tx.m, ticket, agentId, messageId, deps.now());
      // The bell always shows it (notifications module); the e-mail follows the agent's choice.
      // In the language the agent chose for the agent app.
      const locale = chosenAgentLocale(to);
      const name = by ?? translate(locale, 'agent.mail.someone');
      if ((await notificationRepository.emailKinds(tx.m, agentId)).includes('mention')) await outboxRepository.enqueue(tx.m, {
        kind: 'notification.email', messageId: null, ticketId, inboxId: null,
        payload: {
          to: to.email, subject: translate(locale, 'agent.mail.mentionSubject', { by: name, ticketId }), template: 'agent-mention',
          data: { locale, by: name, ticketId, subject: ticket?.subject ?? '', excerpt: text.slice(0, 500), note: message?.audience === 'staff', url: `${deps.publicUrl}/tickets/${ticketId}#m-${messageId}` },
        },
      }, deps.now());
      tx.emit('agent.mentioned', { agentId, ticketId, messageId, byAgentId: viewer.kind === 'agent' ? viewer.agentId : null });
    }
    return ids;
  });
}
