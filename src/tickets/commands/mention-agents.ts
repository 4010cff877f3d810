import type { Agent } from '../../db/entities';
import { agentRepository } from '../../db/repositories/agent.repository';
import { ticketEventRepository } from '../../db/repositories/ticket-event.repository';
import type { Viewer } from '../../policies/viewer';
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

// Records each mention on the ticket and tells the mentioned agent wherever they are in the app.
export async function mentionAgents(deps: CommandDeps, viewer: Viewer, ticketId: number, messageId: number, text: string): Promise<number[]> {
  return deps.db.transaction(async (tx) => {
    const ids = findMentions(text, await agentRepository.list(tx.m)).filter((id) => !(viewer.kind === 'agent' && viewer.agentId === id));
    for (const agentId of ids) {
      await ticketEventRepository.record(tx.m, ticketId, 'mentioned', actorOf(viewer), { agentId, messageId }, deps.now());
      tx.emit('agent.mentioned', { agentId, ticketId, messageId, byAgentId: viewer.kind === 'agent' ? viewer.agentId : null });
    }
    return ids;
  });
}
