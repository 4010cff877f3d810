import { EntityManager } from 'typeorm';
import { Agent, Team, TeamMember } from '../entities';
import { copyRow, copyRows, referenceCache } from './reference-cache';

// Outside a transaction agents and teams come from this node's cache (see reference-cache.ts);
// an agent not in it yet (created on another node a moment ago) is read from the database.
const allAgents = (m: EntityManager) => referenceCache(m).get(m, 'agents', 'all', () => m.getRepository(Agent).find({ order: { id: 'ASC' } }));

export const agentRepository = {
  async insert(m: EntityManager, a: Omit<Agent, 'id'>): Promise<number> {
    const r = await m.getRepository(Agent).insert({ ...a, email: a.email.toLowerCase() });
    referenceCache(m).changed(m, 'agents');
    return r.identifiers[0].id;
  },
  // `fresh`: read from the database whatever the cache holds (signing in with an API token).
  async findById(m: EntityManager, id: number, opts: { fresh?: boolean } = {}): Promise<Agent | null> {
    if (!opts.fresh && !m.queryRunner) {
      const hit = (await allAgents(m)).find((a) => a.id === id);
      if (hit) return copyRow(hit);
    }
    return m.getRepository(Agent).findOneBy({ id });
  },
  async findByIds(m: EntityManager, ids: number[]): Promise<Agent[]> {
    if (!ids.length) return [];
    const wanted = new Set(ids);
    if (!m.queryRunner) {
      const hits = (await allAgents(m)).filter((a) => wanted.has(a.id));
      if (hits.length === wanted.size) return copyRows(hits);
    }
    return m.getRepository(Agent).createQueryBuilder('a').where('a.id IN (:...ids)', { ids: [...wanted] }).getMany();
  },
  // `cached`: answer from this node's list, a miss included (ingest asks for every mail's author
  // whether it is an agent; almost never is). An agent added on another node counts once the
  // relay has told this one, as for every cached read.
  async findByEmail(m: EntityManager, email: string, opts: { cached?: boolean } = {}): Promise<Agent | null> {
    const address = email.toLowerCase();
    if (opts.cached && !m.queryRunner) {
      const hit = (await allAgents(m)).find((a) => a.email.toLowerCase() === address);
      return hit ? copyRow(hit) : null;
    }
    return m.getRepository(Agent).findOneBy({ email: address });
  },
  async list(m: EntityManager): Promise<Agent[]> {
    return copyRows(await allAgents(m));
  },
  async count(m: EntityManager): Promise<number> {
    return m.getRepository(Agent).count();
  },
  async update(m: EntityManager, id: number, patch: Partial<Agent>): Promise<void> {
    await m.getRepository(Agent).update({ id }, patch);
    referenceCache(m).changed(m, 'agents');
  },
  async insertTeam(m: EntityManager, name: string, now: number): Promise<number> {
    const r = await m.getRepository(Team).insert({ name, createdAt: now });
    referenceCache(m).changed(m, 'teams');
    return r.identifiers[0].id;
  },
  async updateTeam(m: EntityManager, id: number, patch: Partial<Pick<Team, 'name' | 'calendarId'>>): Promise<void> {
    await m.getRepository(Team).update({ id }, patch);
    referenceCache(m).changed(m, 'teams');
  },
  async findTeam(m: EntityManager, id: number): Promise<Team | null> {
    return m.getRepository(Team).findOneBy({ id });
  },
  async listTeams(m: EntityManager): Promise<Team[]> {
    return copyRows(await referenceCache(m).get(m, 'teams', 'all', () => m.getRepository(Team).find({ order: { name: 'ASC' } })));
  },
  async addMember(m: EntityManager, teamId: number, agentId: number): Promise<void> {
    if (!(await m.getRepository(TeamMember).existsBy({ teamId, agentId }))) await m.getRepository(TeamMember).insert({ teamId, agentId });
  },
  async removeMember(m: EntityManager, teamId: number, agentId: number): Promise<void> {
    await m.getRepository(TeamMember).delete({ teamId, agentId });
  },
  async membersOf(m: EntityManager, teamId: number): Promise<number[]> {
    return (await m.getRepository(TeamMember).findBy({ teamId })).map((r) => r.agentId);
  },
  async teamsOf(m: EntityManager, agentId: number): Promise<number[]> {
    return (await m.getRepository(TeamMember).findBy({ agentId })).map((r) => r.teamId);
  },
};

// Agents who may take one more ticket from this team (or from everyone when no team), the one
// who waited longest since their last assignment first: round-robin that holds across nodes.
export async function nextRoundRobinAgent(m: import('typeorm').EntityManager, teamId: number | null): Promise<Agent | null> {
  const qb = m.getRepository(Agent).createQueryBuilder('a').where('a.active = :t AND a.away = :f', { t: true, f: false });
  if (teamId) qb.andWhere('a.id IN (SELECT tm.agent_id FROM team_members tm WHERE tm.team_id = :teamId)', { teamId });
  qb.andWhere(`(a.max_open IS NULL OR a.max_open > (SELECT COUNT(*) FROM tickets t WHERE t.assignee_id = a.id AND t.status IN ('new', 'open', 'pending') AND t.merged_into_id IS NULL))`);
  return qb.orderBy('a.last_assigned_at', 'ASC', 'NULLS FIRST').addOrderBy('a.id', 'ASC').getOne();
}
