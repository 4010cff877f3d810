import { EntityManager } from 'typeorm';
import { Agent, ApiToken, OneTimeToken, Session } from '../entities';

export const sessionRepository = {
  async insert(m: EntityManager, s: Session): Promise<void> {
    await m.getRepository(Session).insert(s);
  },
  async find(m: EntityManager, idHash: string): Promise<Session | null> {
    return m.getRepository(Session).findOneBy({ idHash });
  },
  // The session with its agent's sign-in facts, in one statement: every request resolves its
  // session, and whether the agent is still active and what role they have is read fresh each
  // time (never from a cache), however many nodes there are.
  async findWithAgent(m: EntityManager, idHash: string): Promise<(Session & { agent: { name: string; role: Agent['role']; active: boolean } | null }) | null> {
    const r = await m.getRepository(Session).createQueryBuilder('s').leftJoin(Agent, 'a', 'a.id = s.agent_id')
      .select(['s.id_hash AS id_hash', 's.agent_id AS agent_id', 's.contact_id AS contact_id', 's.csrf_token AS csrf_token', 's.expires_at AS expires_at', 's.created_at AS created_at', 'a.name AS a_name', 'a.role AS a_role', 'a.active AS a_active'])
      .where('s.id_hash = :idHash', { idHash }).getRawOne();
    if (!r) return null;
    return {
      idHash: r.id_hash, agentId: r.agent_id === null ? null : Number(r.agent_id), contactId: r.contact_id === null ? null : Number(r.contact_id),
      csrfToken: r.csrf_token, expiresAt: Number(r.expires_at), createdAt: Number(r.created_at),
      agent: r.a_role == null ? null : { name: r.a_name, role: r.a_role, active: r.a_active === true || Number(r.a_active) === 1 },
    };
  },
  async delete(m: EntityManager, idHash: string): Promise<void> {
    await m.getRepository(Session).delete({ idHash });
  },
  async insertToken(m: EntityManager, t: Omit<ApiToken, 'id'>): Promise<number> {
    const r = await m.getRepository(ApiToken).insert(t);
    return r.identifiers[0].id;
  },
  async findToken(m: EntityManager, tokenHash: string): Promise<ApiToken | null> {
    return m.getRepository(ApiToken).findOneBy({ tokenHash });
  },
  async insertOneTime(m: EntityManager, t: OneTimeToken): Promise<void> {
    await m.getRepository(OneTimeToken).insert(t);
  },
  // The token if it could still be used (for a page that shows a form before using it).
  async peekOneTime(m: EntityManager, tokenHash: string, purpose: string, now: number): Promise<OneTimeToken | null> {
    const t = await m.getRepository(OneTimeToken).findOneBy({ tokenHash, purpose });
    return t && t.usedAt === null && t.expiresAt > now ? t : null;
  },
  // Every sign-in of an agent (a reset password ends the sessions made with the old one).
  // Returns the ended sessions' hashes, which name their sockets' rooms.
  async deleteForAgent(m: EntityManager, agentId: number): Promise<string[]> {
    const ended = await m.getRepository(Session).find({ select: { idHash: true }, where: { agentId } });
    await m.getRepository(Session).delete({ agentId });
    return ended.map((e) => e.idHash);
  },
  // Marks the token used and returns it, only if it was unused and unexpired: single use even under races.
  async consumeOneTime(m: EntityManager, tokenHash: string, purpose: string, now: number): Promise<OneTimeToken | null> {
    const r = await m.createQueryBuilder().update(OneTimeToken).set({ usedAt: now })
      .where('token_hash = :tokenHash AND purpose = :purpose AND used_at IS NULL AND expires_at > :now', { tokenHash, purpose, now }).execute();
    if (!r.affected) return null;
    return m.getRepository(OneTimeToken).findOneBy({ tokenHash });
  },
};
