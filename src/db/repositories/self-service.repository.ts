import { EntityManager } from 'typeorm';
import { SelfServiceAnswer } from '../entities';
import { run, type FactFilters, type Window } from './report-query.repository';

// Suggested solved questions that answered a visitor before they asked.
export const selfServiceRepository = {
  async record(m: EntityManager, row: Omit<SelfServiceAnswer, 'id'>): Promise<void> {
    await m.getRepository(SelfServiceAnswer).insert(row);
  },

  // How many in a period, through the `at` index. The answers belong to no ticket, team or
  // agent: a team, agent or tag filter cannot apply and gets null ("not attributable"); the
  // channel is the form's (community or webform), the inbox a web form's.
  async countIn(m: EntityManager, w: Window, f: FactFilters): Promise<number | null> {
    if (f.teamId || f.agentId || f.tag) return null;
    if (f.channel && f.channel !== 'community' && f.channel !== 'webform') return 0;
    const where = ['at >= :from AND at < :to'];
    if (f.channel) where.push('source = :channel');
    if (f.inboxId) where.push('inbox_id = :inboxId');
    const [r] = await run<{ n: number | string }>(m, `SELECT COUNT(*) AS n FROM self_service_answers WHERE ${where.join(' AND ')}`, { from: w.from, to: w.to, channel: f.channel, inboxId: f.inboxId });
    return Number(r?.n ?? 0);
  },
};
