import type { EventCause, Message, Ticket } from '../../db/entities';
import { automationRuleRepository } from '../../db/repositories/automation-rule.repository';
import { messageRepository } from '../../db/repositories/message.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { ANONYMOUS } from '../../policies/viewer';
import type { Services } from '../../services';
import type { Db } from '../../db/transaction';
import { recordAutomationLimit } from '../../tickets/commands/record-automation-limit';
import { executeActions, planActions, type TicketState } from '../actions';
import { batchable, ChangeBatch, runRow } from './change-batch';
import { conditionsHold } from './conditions';
import { RuleFacts } from './rule-facts';
import { RulePass } from './rule-pass';
import { type ParsedRule, ruleInputSchema, type Trigger, type TriggerType } from './rule-schema';

const HOUR = 3_600_000;
// Other nodes see a changed rule within this long; the node that changed it at once.
const RULES_TTL_MS = 1000;

export interface Firing {
  trigger: TriggerType;
  ticketId: number;
  at: number;
  messageId?: number;
  // The cause of the change that fired this: a rule never fires on its own change.
  cause?: EventCause;
  // Time rules: the stay in a state this firing belongs to (fires once per key).
  triggerKey?: string;
}

export const causeOf = (r: Pick<ParsedRule, 'id' | 'name'>): EventCause => ({ kind: 'rule', id: r.id, name: r.name });

export function parseRule(row: { id: number; position: number; name: string; enabled: boolean; trigger: string; triggerConfig: Record<string, any> | null; conditions: unknown; actions: unknown }): ParsedRule | null {
  const r = ruleInputSchema.safeParse({ name: row.name, enabled: row.enabled, trigger: { ...(row.triggerConfig ?? {}), type: row.trigger }, conditions: row.conditions ?? [], actions: row.actions ?? [] });
  return r.success ? { ...r.data, id: row.id, position: row.position } : null;
}

// Whether this trigger's own filters take the firing (which message audiences and channels,
// which statuses): the dry run asks the same question.
export function triggerAccepts(t: Trigger, f: RuleFacts): boolean {
  if (t.type === 'message_received') {
    const m = f.message;
    if (!m || m.direction !== 'inbound' || m.audience === 'staff') return false;
    if (t.audiences.length && !(t.audiences as string[]).includes(m.audience)) return false;
    if (t.channels.length && !t.channels.map((c) => c.toLowerCase()).includes(m.channel.toLowerCase())) return false;
  }
  if (t.type === 'status_changed' && t.statuses.length && !t.statuses.includes(f.ticket.status)) return false;
  return true;
}

// A promise only when a condition had to read something (the requester, a calendar); callers
// that await it get the same answer either way.
export function ruleMatches(rule: ParsedRule, f: RuleFacts): boolean | Promise<boolean> {
  return triggerAccepts(rule.trigger, f) && conditionsHold(rule.conditions, f);
}

// Runs the rules of each event after its change committed, in their order, one ticket at a
// time on this node (two events of one ticket never race each other's actions). A pass takes
// every firing of its ticket queued by then (a new ticket's "created" and "message received"
// come together) and is one transaction: the ticket is read once, each rule's commands are
// savepoints of it, the loop guard's budget is read once and counted on, and the SLA and webhook
// hooks run once at its commit.
export class RuleEngine {
  private cache: { until: number; rules: Promise<ParsedRule[]> } | null = null;
  // Per ticket: the pass running or queued last, and the one still taking firings.
  private tails = new Map<number, Promise<void>>();
  private open = new Map<number, Firing[]>();

  constructor(private s: Services) {}

  invalidate(): void {
    this.cache = null;
  }

  // The rules are read again every RULES_TTL_MS; a row as it was last time keeps its parse.
  private parses = new Map<number, { key: string; rule: ParsedRule | null }>();
  private parsed(row: Parameters<typeof parseRule>[0]): ParsedRule | null {
    const key = JSON.stringify([row.position, row.name, row.enabled, row.trigger, row.triggerConfig, row.conditions, row.actions]);
    const had = this.parses.get(row.id);
    if (had?.key === key) return had.rule;
    if (this.parses.size > 5000) this.parses.clear();
    const rule = parseRule(row);
    this.parses.set(row.id, { key, rule });
    return rule;
  }

  enabledRules(): Promise<ParsedRule[]> {
    const now = Date.now();
    if (!this.cache || this.cache.until < now) {
      const rules = automationRuleRepository.listEnabled(this.s.db.m).then((rows) => rows.map((row) => this.parsed(row)).filter((r): r is ParsedRule => !!r));
      this.cache = { until: now + RULES_TTL_MS, rules };
      rules.catch(() => this.invalidate());
    }
    return this.cache.rules;
  }

  // Resolves once the pass that handled this firing ended.
  fire(f: Firing): Promise<void> {
    const open = this.open.get(f.ticketId);
    if (open) {
      open.push(f);
      return this.tails.get(f.ticketId)!;
    }
    const firings = [f];
    this.open.set(f.ticketId, firings);
    const prev = this.tails.get(f.ticketId) ?? Promise.resolve();
    const next = prev.then(() => {
      if (this.open.get(f.ticketId) === firings) this.open.delete(f.ticketId);
      return this.pass(f.ticketId, firings);
    }).catch((err) => this.s.logger.error({ err, ticketId: f.ticketId, triggers: firings.map((x) => x.trigger) }, 'automation rule failed'));
    this.tails.set(f.ticketId, next);
    void next.finally(() => {
      if (this.tails.get(f.ticketId) === next) this.tails.delete(f.ticketId);
    });
    return next;
  }

  private async pass(ticketId: number, firings: Firing[]): Promise<void> {
    const enabled = await this.enabledRules();
    // A rule never fires on its own change.
    const work = firings.map((f) => ({ f, rules: enabled.filter((r) => r.trigger.type === f.trigger && !(f.cause?.kind === 'rule' && f.cause.id === r.id)) })).filter((w) => w.rules.length);
    if (!work.length) return;
    await this.s.db.together(async (db, { m }) => {
      const since = work[0].f.at - HOUR;
      // The ticket, its tags, the loop guard's budget and the message the first firing reads,
      // in one statement. A new ticket's first customer message ("ticket created") is usually
      // the one its "message received" names, so that one is read with it.
      const created = work.some((w) => w.f.trigger === 'ticket_created');
      const firstId = work.find((w) => w.f.messageId)?.f.messageId ?? null;
      const start = await automationRuleRepository.passState(m, ticketId, since, created ? 'first' : firstId);
      if (!start || start.ticket.mergedIntoId) return;
      let ticket = start.ticket;
      let tags = start.tags;
      const pass = new RulePass(m, ticketId, since, start.used);
      const batch = new ChangeBatch(pass, { ...this.s.commands, db }, this.s.config.publicUrl);
      const messages = new Map<number, Message | null>();
      if (start.message) messages.set(start.message.id, start.message);
      else if (!created && firstId !== null) messages.set(firstId, null);
      for (const { f, rules } of work) {
        let message: Message | null = null;
        if (f.messageId) {
          if (!messages.has(f.messageId)) messages.set(f.messageId, await messageRepository.findById(m, f.messageId));
          message = messages.get(f.messageId)!;
        } else if (f.trigger === 'ticket_created') {
          message = start.message;
        }
        // Read once, and again only after a rule changed the ticket: 50 rules that do not match
        // cost the same few queries as one.
        let facts: RuleFacts = new RuleFacts(m, ticket, tags, message, f.at);
        for (const rule of rules) {
          const matched = ruleMatches(rule, facts);
          if (!(matched === true || (matched !== false && (await matched)))) continue;
          const after = await this.applyIn(db, pass, rule, ticket, f, tags, batch);
          if (!after && !batch.stale) continue;
          // What the plan said is what the ticket now is when every step was done (or waits in the
          // batch) and changed only tags or priority; other changes (a status move, an assignment,
          // a reply) are read back.
          if (after?.exact && !batch.stale) {
            ticket = after.state.ticket;
            tags = after.state.tags;
          } else {
            batch.stale = false;
            const now = await automationRuleRepository.passState(m, ticketId, since, null);
            if (now) ({ ticket, tags } = now);
          }
          facts = new RuleFacts(m, ticket, tags, message, f.at);
        }
      }
      await batch.flush();
      await pass.flush();
    });
  }

  // A time rule's firing (the sweep matched it): its actions under the loop guard, in one
  // transaction. Returns whether anything was carried out.
  apply(rule: ParsedRule, ticket: Ticket, f: Firing, tags?: Set<string>): Promise<boolean> {
    return this.s.db.together(async (db, { m }) => {
      const pass = new RulePass(m, ticket.id, f.at - HOUR);
      const after = await this.applyIn(db, pass, rule, ticket, f, tags ?? new Set((await ticketRepository.tagsOf(m, [ticket.id])).get(ticket.id) ?? []));
      await pass.flush();
      return !!after;
    });
  }

  // A matched rule's actions, under the loop guard, inside a pass (`db` joins its transaction).
  // Returns null when nothing was carried out, else the state as planned and whether it is exact.
  // With a batch, a rule that only changes tags and priority joins it (carried out later, with
  // the pass's other such changes); anything else first carries out what waits there.
  private async applyIn(db: Db, pass: RulePass, rule: ParsedRule, ticket: Ticket, f: Firing, tags: Set<string>, batch?: ChangeBatch): Promise<{ state: TicketState; exact: boolean } | null> {
    const { config } = this.s;
    const commands = { ...this.s.commands, db };
    const cause = causeOf(rule);
    const base = { ruleId: rule.id, ticketId: ticket.id, trigger: f.trigger, triggerKey: f.triggerKey ?? null, createdAt: f.at };
    let runId: number | null = null;
    if (f.triggerKey) {
      try {
        // A savepoint: a second node's claim fails alone, the pass goes on.
        runId = await db.transaction((tx) => automationRuleRepository.claimRun(tx.m, { ...base, outcome: 'running', actions: 0, steps: null }));
      } catch (err) {
        if (db.isUniqueViolation(err)) return null;
        throw err;
      }
    }
    const state = { ticket: { ...ticket }, tags: new Set(tags) };
    const plan = await planActions(db.m, state, rule.actions, { actorName: 'Support', byAgent: false });
    const changes = plan.filter((p) => p.change).length;
    const finish = (outcome: string, steps: Parameters<typeof runRow>[2], actions: number) => pass.record(runRow(base, outcome, steps, actions), runId);
    if (!changes) {
      if (runId) await finish('done', plan, 0);
      return null;
    }
    const limit = config.CHORUS_AUTOMATION_ACTIONS_PER_HOUR;
    const used = await pass.budget();
    if (used.actions + changes > limit) {
      await batch?.flush();
      await finish('limited', plan, 0);
      // Said once per ticket and hour: a ping-pong stopped leaves one line, not one per attempt.
      if (!used.limited) await recordAutomationLimit(commands, ticket.id, cause, { limit, reason: `rule “${rule.name}” would pass ${limit} automatic actions on this ticket within an hour` });
      return null;
    }
    if (batch && !runId && batchable(plan)) {
      pass.reserve(changes);
      batch.add({ ticket, tags }, { rule, cause, base, plan });
      return { state, exact: true };
    }
    await batch?.flush();
    const steps = await executeActions({ commands, publicUrl: config.publicUrl }, ticket.id, rule.actions, { viewer: ANONYMOUS, cause }, plan, ticket);
    const done = steps.filter((x) => x.outcome === 'done').length;
    await finish('done', steps, done);
    if (!done) return null;
    const exact = steps.every((x) => x.outcome !== 'failed') && batchable(steps);
    return { state, exact };
  }
}
