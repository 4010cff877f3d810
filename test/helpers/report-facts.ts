import type { EntityManager } from 'typeorm';
import { Contact, ReportFact, Ticket } from '../../src/db/entities';
import { reportFactRepository } from '../../src/db/repositories/report-fact.repository';
import { reportSettleRepository } from '../../src/db/repositories/report-settle.repository';

// Seeds report facts (and the bare tickets and contacts they point at) straight into the
// store (through the facts repository, then settled into the daily rollups), so report
// tests check the queries against hand-computed numbers.
export type FactSeed = Partial<Omit<ReportFact, 'id'>> & Pick<ReportFact, 'kind' | 'at' | 'ticketId'>;

export async function seedFacts(m: EntityManager, facts: FactSeed[]): Promise<void> {
  const rows = facts.map((f) => ({
    inboxId: 900, channel: 'email', teamId: null, agentId: null, contactId: null, visibility: 'private', audience: null, statusFrom: null, statusTo: null,
    wallMs: null, businessMs: null, reach: null, value: null, messageId: null, ...f,
  }));
  await reportFactRepository.record(m, rows);
  // Settled at once, as a report read would: tests read the rollups and outcome rows directly.
  while ((await reportSettleRepository.settleBatch(m, 5_000)) !== 0);
}

export async function seedTicket(m: EntityManager, t: { subject: string; channel: string; createdAt: number; visibility?: 'public' | 'private'; requesterId?: number }): Promise<number> {
  const r = await m.getRepository(Ticket).insert({
    subject: t.subject, status: 'open', priority: 'normal', visibility: t.visibility ?? 'private', requesterId: t.requesterId ?? 1, assigneeId: null, teamId: null, inboxId: 1,
    channel: t.channel, threadKey: null, snippet: null, messageCount: 0, mergedIntoId: null, followUpOfId: null, acceptedMessageId: null, automatic: null,
    firstResponseAt: null, solvedAt: null, slaDueAt: null, lastActivityAt: t.createdAt, createdAt: t.createdAt, updatedAt: t.createdAt,
  });
  return r.identifiers[0].id as number;
}

export async function seedContact(m: EntityManager, name: string): Promise<number> {
  const r = await m.getRepository(Contact).insert({ name, avatarUrl: null, reputation: 0, banned: false, mergedIntoId: null, createdAt: 0 });
  return r.identifiers[0].id as number;
}
