import { agentRepository } from '../db/repositories/agent.repository';
import { contactRepository } from '../db/repositories/contact.repository';
import { sessionRepository } from '../db/repositories/session.repository';
import type { Db } from '../db/transaction';
import { ANONYMOUS, type Viewer } from '../policies/viewer';
import { hashToken, newToken } from './secrets';
import { publicName } from '../community/public-name';

export const SESSION_COOKIE = 'chorus_sid';
const SESSION_TTL = 14 * 86_400_000;

export interface ResolvedSession {
  viewer: Viewer;
  csrfToken: string | null;
  via: 'session' | 'token' | 'none';
  // For a signed-in session: its id's hash (names its socket room) and when it expires.
  sessionHash?: string;
  expiresAt?: number;
}

export class SessionService {
  constructor(private db: Db, private now: () => number) {}

  async create(who: { agentId?: number; contactId?: number }): Promise<{ sid: string; csrfToken: string; maxAgeMs: number }> {
    const sid = newToken();
    const csrfToken = newToken(24);
    const now = this.now();
    await this.db.write((m) => sessionRepository.insert(m, {
      idHash: hashToken(sid), agentId: who.agentId ?? null, contactId: who.contactId ?? null, csrfToken, expiresAt: now + SESSION_TTL, createdAt: now,
    }));
    return { sid, csrfToken, maxAgeMs: SESSION_TTL };
  }

  // Signing out also drops the session's live sockets, on every node.
  async destroy(sid: string): Promise<void> {
    const sessionHash = hashToken(sid);
    await this.db.transaction(async (tx) => {
      await sessionRepository.delete(tx.m, sessionHash);
      tx.emit('session.ended', { sessionHash });
    });
  }

  async fromSessionId(sid: string | undefined): Promise<ResolvedSession> {
    if (!sid) return { viewer: ANONYMOUS, csrfToken: null, via: 'none' };
    const s = await sessionRepository.findWithAgent(this.db.m, hashToken(sid));
    if (!s || s.expiresAt < this.now()) return { viewer: ANONYMOUS, csrfToken: null, via: 'none' };
    if (s.agentId) {
      const a = s.agent;
      if (a?.active) return { viewer: { kind: 'agent', agentId: s.agentId, role: a.role, name: a.name }, csrfToken: s.csrfToken, via: 'session', sessionHash: s.idHash, expiresAt: s.expiresAt };
    } else if (s.contactId) {
      const c = await contactRepository.findById(this.db.m, s.contactId);
      if (c) return { viewer: { kind: 'contact', contactId: c.id, name: publicName(c) }, csrfToken: s.csrfToken, via: 'session', sessionHash: s.idHash, expiresAt: s.expiresAt };
    }
    return { viewer: ANONYMOUS, csrfToken: null, via: 'none' };
  }

  async fromApiToken(token: string): Promise<Viewer | null> {
    const t = await sessionRepository.findToken(this.db.m, hashToken(token));
    if (!t) return null;
    const a = await agentRepository.findById(this.db.m, t.agentId, { fresh: true });
    if (!a?.active) return null;
    return { kind: 'agent', agentId: a.id, role: a.role, name: a.name };
  }

  // Prints once; only the hash is stored.
  async createApiToken(agentId: number, name: string): Promise<string> {
    const token = `chorus_${newToken()}`;
    await this.db.write((m) => sessionRepository.insertToken(m, { agentId, name, tokenHash: hashToken(token), lastUsedAt: null, createdAt: this.now() }));
    return token;
  }
}
