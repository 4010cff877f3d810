import type { Agent } from '../db/entities';
import { agentRepository } from '../db/repositories/agent.repository';
import type { Db } from '../db/transaction';
import { NotFoundError } from '../errors';

export type AgentPatch = Partial<Pick<Agent, 'name' | 'role' | 'away' | 'maxOpen' | 'active' | 'theme' | 'locale'>>;

// Changes an agent. Deactivating one also drops every live socket they have, on every node:
// their sessions stop resolving at once, and no socket keeps receiving staff events.
export async function updateAgent(db: Db, agentId: number, patch: AgentPatch): Promise<Agent> {
  return db.transaction(async (tx) => {
    const before = await agentRepository.findById(tx.m, agentId);
    if (!before) throw new NotFoundError('Agent');
    await agentRepository.update(tx.m, agentId, patch);
    if (before.active && patch.active === false) tx.emit('agent.deactivated', { agentId });
    const changes = (Object.keys(patch) as (keyof AgentPatch)[]).filter((k) => patch[k] !== undefined && patch[k] !== before[k]);
    if (changes.length) tx.emit('agent.updated', { agentId, changes });
    return (await agentRepository.findById(tx.m, agentId))!;
  });
}
