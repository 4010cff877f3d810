import type { Message, Ticket } from '../../db/entities';
import { automationRuleRepository } from '../../db/repositories/automation-rule.repository';
import { businessCalendarRepository } from '../../db/repositories/business-calendar.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import type { Services } from '../../services';
import { loadState, planActions } from '../actions';
import { businessMsBetween } from '../business-time';
import { RuleFacts } from './rule-facts';
import { ruleMatches } from './rule-engine';
import type { ParsedRule } from './rule-schema';
import { timeWindow } from './time-sweep';

export const DRY_RUN_DAYS = 30;
// How many past firings are replayed, and how many matches are listed (the count stays exact).
const MAX_FIRINGS = 5000;
const MAX_LISTED = 200;

export interface DryRunMatch {
  ticketId: number;
  subject: string;
  // When the trigger fired (for time rules: when the ticket entered its state).
  at: number;
  steps: { summary: string; changes: boolean }[];
}

export interface DryRunResult {
  since: number;
  considered: number;
  matchedCount: number;
  matches: DryRunMatch[];
  // More firings happened in the window than were replayed.
  capped: boolean;
}

interface Replay { ticket: Ticket; message: Message | null; at: number }

// Replays the rule over the last 30 days without changing anything: each time its trigger fired
// (tickets created, customer messages, status moves, assignments, SLA events; for time rules, the
// tickets due now), the same matcher the live engine uses, and the planner's account of what the
// actions would do to the ticket as it is now. Conditions read tickets as they are now, too.
export async function dryRun(s: Services, rule: ParsedRule, now: number): Promise<DryRunResult> {
  const since = now - DRY_RUN_DAYS * 86_400_000;
  const { replays, capped } = await firings(s, rule, since, now);
  const result: DryRunResult = { since, considered: replays.length, matchedCount: 0, matches: [], capped };
  for (const r of replays) {
    const facts = await RuleFacts.load(s.db.m, r.ticket, r.message, r.at);
    if (!(await ruleMatches(rule, facts))) continue;
    result.matchedCount++;
    if (result.matches.length >= MAX_LISTED) continue;
    const real = (await ticketRepository.findById(s.db.m, r.ticket.id)) ?? r.ticket;
    const steps = await planActions(s.db.m, await loadState(s.db.m, real), rule.actions, { actorName: 'Support', byAgent: false });
    result.matches.push({ ticketId: r.ticket.id, subject: r.ticket.subject, at: r.at, steps: steps.map((x) => ({ summary: x.summary, changes: !!x.change })) });
  }
  return result;
}

async function firings(s: Services, rule: ParsedRule, since: number, now: number): Promise<{ replays: Replay[]; capped: boolean }> {
  const m = s.db.m;
  const t = rule.trigger;
  const byIds = async (ids: number[]) => new Map((await ticketRepository.findByIds(m, ids)).filter((x) => !x.mergedIntoId).map((x) => [x.id, x]));
  if (t.type === 'ticket_created') {
    const tickets = await automationRuleRepository.recentTickets(m, since, MAX_FIRINGS);
    const out: Replay[] = [];
    for (const ticket of tickets) out.push({ ticket, message: await automationRuleRepository.firstCustomerMessage(m, ticket.id), at: ticket.createdAt });
    return { replays: out, capped: tickets.length === MAX_FIRINGS };
  }
  if (t.type === 'message_received') {
    const msgs = await automationRuleRepository.recentInbound(m, since, MAX_FIRINGS);
    const tickets = await byIds(msgs.map((x) => x.ticketId));
    return { replays: msgs.filter((x) => tickets.has(x.ticketId)).map((x) => ({ ticket: tickets.get(x.ticketId)!, message: x, at: x.createdAt })), capped: msgs.length === MAX_FIRINGS };
  }
  const win = timeWindow(t);
  if (win) {
    const cands = await automationRuleRepository.timeCandidates(m, win.state, { after: null, upTo: now - win.wallMs }, MAX_FIRINGS);
    const out: Replay[] = [];
    for (const c of cands) {
      if (win.businessMs !== null && businessMsBetween(await businessCalendarRepository.forTicket(m, c.ticket), c.since, now) < win.businessMs) continue;
      out.push({ ticket: c.ticket, message: null, at: c.since });
    }
    return { replays: out, capped: cands.length === MAX_FIRINGS };
  }
  const types = t.type === 'status_changed' ? ['status'] : t.type === 'assigned' ? ['assigned'] : t.type === 'sla_warning' ? ['sla.warning'] : ['sla.breached'];
  const events = await automationRuleRepository.recentEvents(m, types, since, MAX_FIRINGS);
  const tickets = await byIds(events.map((e) => e.ticketId));
  const out: Replay[] = [];
  for (const e of events) {
    const ticket = tickets.get(e.ticketId);
    // A rule never fires on its own change, in a replay either.
    if (!ticket || (e.cause?.kind === 'rule' && e.cause.id === rule.id)) continue;
    // The status a move went to is the one the trigger saw.
    out.push({ ticket: t.type === 'status_changed' && e.data?.to ? { ...ticket, status: e.data.to } : ticket, message: null, at: e.createdAt });
  }
  return { replays: out, capped: events.length === MAX_FIRINGS };
}
