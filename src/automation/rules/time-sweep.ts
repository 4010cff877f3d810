import type { BusinessCalendar } from '../business-time';
import { businessMsBetween } from '../business-time';
import { automationRuleRepository, type TimeState } from '../../db/repositories/automation-rule.repository';
import { businessCalendarRepository } from '../../db/repositories/business-calendar.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import type { Services } from '../../services';
import { RuleFacts } from './rule-facts';
import { parseRule, type RuleEngine, ruleMatches } from './rule-engine';
import type { ParsedRule, Trigger } from './rule-schema';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PAGE = 1000;

export const TIME_RULES_JOB = 'automation.time-rules';

export function timeWindow(t: Trigger): { state: TimeState; wallMs: number; businessMs: number | null } | null {
  if (t.type === 'pending_for') return { state: 'pending', wallMs: t.hours * HOUR, businessMs: t.hours * HOUR };
  if (t.type === 'solved_for') return { state: 'solved', wallMs: t.days * DAY, businessMs: null };
  if (t.type === 'no_customer_answer') return { state: 'awaiting', wallMs: t.days * DAY, businessMs: null };
  return null;
}

export interface SweepStats {
  rules: number;
  scanned: number;
  fired: number;
}

// The once-per-cluster sweep: for each enabled time rule, the tickets that have been in its
// state long enough since the last sweep, read from the state's index in pages. Business hours
// never pass faster than wall time, so wall time bounds the range; a ticket whose business hours
// have not run out yet keeps the rule's mark before it, to be looked at again next time.
export async function sweepTimeRules(s: Services, engine: RuleEngine, now: number): Promise<SweepStats> {
  const stats: SweepStats = { rules: 0, scanned: 0, fired: 0 };
  const rows = (await automationRuleRepository.listEnabled(s.db.m)).filter((r) => r.trigger === 'pending_for' || r.trigger === 'solved_for' || r.trigger === 'no_customer_answer');
  for (const row of rows) {
    const rule = parseRule(row);
    const w = rule && timeWindow(rule.trigger);
    if (!rule || !w) continue;
    stats.rules++;
    const upTo = now - w.wallMs;
    let notYet: number | null = null;
    const calendars = new Map<string, Promise<BusinessCalendar | null>>();
    let from: { since: number; id: number } | undefined;
    for (;;) {
      const page = await automationRuleRepository.timeCandidates(s.db.m, w.state, { after: row.sweptUntil, upTo, from }, PAGE);
      if (!page.length) break;
      const tags = await ticketRepository.tagsOf(s.db.m, page.map((c) => c.ticket.id));
      for (const c of page) {
        stats.scanned++;
        if (w.businessMs !== null) {
          const key = `${c.ticket.inboxId}:${c.ticket.teamId ?? ''}`;
          if (!calendars.has(key)) calendars.set(key, businessCalendarRepository.forTicket(s.db.m, c.ticket));
          if (businessMsBetween(await calendars.get(key)!, c.since, now) < w.businessMs) {
            notYet ??= c.since;
            continue;
          }
        }
        if (await fireIfMatches(s, engine, rule, c.ticket, tags.get(c.ticket.id) ?? [], w.state, c.since, now)) stats.fired++;
      }
      if (page.length < PAGE) break;
      const last = page[page.length - 1];
      from = { since: last.since, id: last.ticket.id };
    }
    const mark = notYet !== null ? notYet - 1 : upTo;
    if (mark !== row.sweptUntil) await s.db.write((m) => automationRuleRepository.update(m, row.id, { sweptUntil: mark }));
  }
  return stats;
}

async function fireIfMatches(s: Services, engine: RuleEngine, rule: ParsedRule, ticket: Parameters<typeof RuleFacts.load>[1], tags: string[], state: TimeState, since: number, now: number): Promise<boolean> {
  const facts = await RuleFacts.load(s.db.m, ticket, null, now, tags);
  if (!(await ruleMatches(rule, facts))) return false;
  return engine.apply(rule, ticket, { trigger: rule.trigger.type, ticketId: ticket.id, at: now, triggerKey: `${state}:${since}` });
}
