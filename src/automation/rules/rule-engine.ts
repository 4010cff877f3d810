import type { EventCause, Message, Ticket } from '../../db/entities';
import { automationRuleRepository } from '../../db/repositories/automation-rule.repository';
import { messageRepository } from '../../db/repositories/message.repository';
import { ticketRepository } from '../../db/repositories/ticket.repository';
import { ANONYMOUS } from '../../policies/viewer';
import type { Services } from '../../services';
import { recordAutomationLimit } from '../../tickets/commands/record-automation-limit';
import { executeActions, type ExecutedStep, loadState, planActions, type PlannedStep } from '../actions';
import { conditionsHold } from './conditions';
import { RuleFacts } from './rule-facts';
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

export async function ruleMatches(rule: ParsedRule, f: RuleFacts): Promise<boolean> {
  return triggerAccepts(rule.trigger, f) && conditionsHold(rule.conditions, f);
}

// Runs the rules of each event after its change committed, in their order, one ticket at a
// time on this node (two events of one ticket never race each other's actions).
export class RuleEngine {
  private cache: { until: number; rules: Promise<ParsedRule[]> } | null = null;
  private queues = new Map<number, Promise<void>>();

  constructor(private s: Services) {}

  invalidate(): void {
    this.cache = null;
  }

  enabledRules(): Promise<ParsedRule[]> {
    const now = Date.now();
    if (!this.cache || this.cache.until < now) {
      const rules = automationRuleRepository.listEnabled(this.s.db.m).then((rows) => rows.map(parseRule).filter((r): r is ParsedRule => !!r));
      this.cache = { until: now + RULES_TTL_MS, rules };
      rules.catch(() => this.invalidate());
    }
    return this.cache.rules;
  }

  fire(f: Firing): Promise<void> {
    const prev = this.queues.get(f.ticketId) ?? Promise.resolve();
    const next = prev.then(() => this.run(f)).catch((err) => this.s.logger.error({ err, ticketId: f.ticketId, trigger: f.trigger }, 'automation rule failed'));
    this.queues.set(f.ticketId, next);
    void next.finally(() => {
      if (this.queues.get(f.ticketId) === next) this.queues.delete(f.ticketId);
    });
    return next;
  }

  private async run(f: Firing): Promise<void> {
    const rules = (await this.enabledRules()).filter((r) => r.trigger.type === f.trigger);
    if (!rules.length) return;
    const m = this.s.db.m;
    let ticket = await ticketRepository.findById(m, f.ticketId);
    if (!ticket || ticket.mergedIntoId) return;
    const message: Message | null = f.messageId ? await messageRepository.findById(m, f.messageId)
      : f.trigger === 'ticket_created' ? await automationRuleRepository.firstCustomerMessage(m, ticket.id) : null;
    // Read once, and again only after a rule changed the ticket: 50 rules that do not match cost
    // the same few queries as one.
    let facts = await RuleFacts.load(m, ticket, message, f.at);
    for (const rule of rules) {
      if (f.cause?.kind === 'rule' && f.cause.id === rule.id) continue;
      if (!(await ruleMatches(rule, facts))) continue;
      if (await this.apply(rule, ticket, f, facts.tags)) {
        ticket = (await ticketRepository.findById(m, f.ticketId)) ?? ticket;
        facts = await RuleFacts.load(m, ticket, message, f.at);
      }
    }
  }

  // A matched rule's actions, under the loop guard. Returns whether anything was carried out.
  async apply(rule: ParsedRule, ticket: Ticket, f: Firing, tags?: Set<string>): Promise<boolean> {
    const { db, commands, config } = this.s;
    const cause = causeOf(rule);
    const base = { ruleId: rule.id, ticketId: ticket.id, trigger: f.trigger, triggerKey: f.triggerKey ?? null, createdAt: f.at };
    let runId: number | null = null;
    if (f.triggerKey) {
      try {
        runId = await db.write((w) => automationRuleRepository.claimRun(w, { ...base, outcome: 'running', actions: 0, steps: null }));
      } catch (err) {
        if (db.isUniqueViolation(err)) return false;
        throw err;
      }
    }
    const state = tags ? { ticket: { ...ticket }, tags: new Set(tags) } : await loadState(db.m, ticket);
    const plan = await planActions(db.m, state, rule.actions, { actorName: 'Support', byAgent: false });
    const changes = plan.filter((p) => p.change).length;
    const finish = (outcome: string, steps: (PlannedStep | ExecutedStep)[], actions: number) => db.write((w) => {
      const row = { outcome, actions, steps: steps.map((x) => ({ summary: x.summary, outcome: 'outcome' in x ? x.outcome : 'planned', ...('error' in x && x.error ? { error: x.error } : {}) })) };
      return runId ? automationRuleRepository.finishRun(w, runId, row) : automationRuleRepository.claimRun(w, { ...base, ...row }).then(() => undefined);
    });
    if (!changes) {
      if (runId) await finish('done', plan, 0);
      return false;
    }
    const limit = config.CHORUS_AUTOMATION_ACTIONS_PER_HOUR;
    const used = await automationRuleRepository.budgetUsed(db.m, ticket.id, f.at - HOUR);
    if (used.actions + changes > limit) {
      await finish('limited', plan, 0);
      // Said once per ticket and hour: a ping-pong stopped leaves one line, not one per attempt.
      if (!used.limited) await recordAutomationLimit(commands, ticket.id, cause, { limit, reason: `rule “${rule.name}” would pass ${limit} automatic actions on this ticket within an hour` });
      return false;
    }
    const steps = await executeActions({ commands, publicUrl: config.publicUrl }, ticket.id, rule.actions, { viewer: ANONYMOUS, cause }, plan);
    const done = steps.filter((x) => x.outcome === 'done').length;
    await finish('done', steps, done);
    return done > 0;
  }
}
