import { hashPassword } from '../auth/passwords';
import type { AgentRole } from '../db/entities';
import { agentRepository } from '../db/repositories/agent.repository';
import type { Db } from '../db/transaction';
import { ConflictError } from '../errors';

export async function createAgent(db: Db, now: number, input: { email: string; name: string; password?: string | null; role: AgentRole }) {
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return db.transaction(async ({ m }) => {
    if (await agentRepository.findByEmail(m, input.email)) throw new ConflictError(`An agent with ${input.email} exists already.`);
    const id = await agentRepository.insert(m, { email: input.email, name: input.name, passwordHash, role: input.role, away: false, maxOpen: null, active: true, theme: null, locale: null, lastAssignedAt: null, createdAt: now });
    return (await agentRepository.findById(m, id))!;
  });
}
