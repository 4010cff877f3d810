import { z } from 'zod';
import { AUDIENCES, PRIORITIES, TICKET_STATUSES } from '../../db/entities';
import { actionListSchema } from '../actions/action-schema';

// What starts a rule. Event triggers run after the change commits; time triggers run in the
// once-per-cluster sweep (time-sweep.ts).
export const EVENT_TRIGGERS = ['ticket_created', 'message_received', 'status_changed', 'assigned', 'sla_warning', 'sla_breached'] as const;
export const TIME_TRIGGERS = ['pending_for', 'solved_for', 'no_customer_answer'] as const;
export const TRIGGERS = [...EVENT_TRIGGERS, ...TIME_TRIGGERS] as const;
export type TriggerType = (typeof TRIGGERS)[number];
export type TimeTriggerType = (typeof TIME_TRIGGERS)[number];
export const isTimeTrigger = (t: string): t is TimeTriggerType => (TIME_TRIGGERS as readonly string[]).includes(t);

export const TRIGGER_LABELS: Record<TriggerType, string> = {
  ticket_created: 'A ticket is created',
  message_received: 'A customer message is received',
  status_changed: 'The status changes',
  assigned: 'The ticket is assigned',
  sla_warning: 'An SLA target is about to be missed',
  sla_breached: 'An SLA target was missed',
  pending_for: 'Pending for N business hours',
  solved_for: 'Solved for N days',
  no_customer_answer: 'No customer answer for N days',
};

// A comma-separated form value or a JSON list; blanks dropped, trimmed.
const list = <T extends z.ZodType>(item: T) => z.preprocess(
  (v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : String(v).split(',')).map((x: unknown) => (typeof x === 'string' ? x.trim() : x)).filter((x: unknown) => x !== ''),
  z.array(item).max(50),
);
const nonEmptyList = <T extends z.ZodType>(item: T, what: string) => list(item).refine((a) => a.length > 0, `Give at least one ${what}`);
const count = (max: number, unit: string) => z.coerce.number({ error: `Give a number of ${unit}` }).int(`Give a whole number of ${unit}`).min(1, `At least 1 ${unit.replace(/s$/, '')}`).max(max, `At most ${max} ${unit}`);

export const triggerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ticket_created') }),
  // Which audiences and channels count; none listed = every customer message (never a staff note).
  z.object({ type: z.literal('message_received'), audiences: list(z.enum(['public', 'participants'])).optional().default([]), channels: list(z.string().max(40)).optional().default([]) }),
  z.object({ type: z.literal('status_changed'), statuses: list(z.enum(TICKET_STATUSES)).optional().default([]) }),
  z.object({ type: z.literal('assigned') }),
  z.object({ type: z.literal('sla_warning') }),
  z.object({ type: z.literal('sla_breached') }),
  z.object({ type: z.literal('pending_for'), hours: count(24 * 90, 'hours') }),
  z.object({ type: z.literal('solved_for'), days: count(365, 'days') }),
  z.object({ type: z.literal('no_customer_answer'), days: count(365, 'days') }),
], { error: 'Choose what starts the rule' });
export type Trigger = z.infer<typeof triggerSchema>;

// A pattern an admin may give: short, and without the nested quantifiers that backtrack forever
// ("(a+)+"). It is matched case-insensitively against at most MATCH_CHARS of text.
export const MATCH_CHARS = 10_000;
function checkPattern(p: string): string | null {
  if (/\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]/.test(p) || /\\[1-9]/.test(p)) return 'Nested repetition and back-references are not allowed (they can take forever)';
  try {
    new RegExp(p, 'iu');
    return null;
  } catch (err) {
    return `Not a valid pattern: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
}
const text = z.string().trim().min(1, 'Give the text to look for').max(200, 'At most 200 characters');
// "contains" looks for the words; "matches" takes a bounded pattern.
const textTest = <F extends string>(field: F) => z.object({ field: z.literal(field), op: z.enum(['contains', 'not_contains', 'matches']), value: text })
  .superRefine((c, ctx) => {
    const bad = c.op === 'matches' ? checkPattern(c.value) : null;
    if (bad) ctx.addIssue({ code: 'custom', path: ['value'], message: bad });
  });
const words = nonEmptyList(z.string().max(64), 'value');
const num = z.coerce.number({ error: 'Give a number' }).int('Give a whole number').min(0, 'At least 0');

// Every condition must hold. `field` names what is tested, `op` how.
export const conditionSchema = z.discriminatedUnion('field', [
  z.object({ field: z.literal('channel'), op: z.enum(['in', 'not_in']), value: words }),
  z.object({ field: z.literal('inbox'), op: z.enum(['in', 'not_in']), value: nonEmptyList(z.coerce.number().int().positive('Give inbox ids'), 'inbox') }),
  textTest('subject'),
  textTest('text'),
  z.object({ field: z.literal('tags'), op: z.enum(['any', 'all', 'none']), value: words }),
  z.object({ field: z.literal('priority'), op: z.enum(['in', 'not_in']), value: nonEmptyList(z.enum(PRIORITIES, { error: `Use ${PRIORITIES.join(', ')}` }), 'priority') }),
  z.object({ field: z.literal('status'), op: z.enum(['in', 'not_in']), value: nonEmptyList(z.enum(TICKET_STATUSES, { error: `Use ${TICKET_STATUSES.join(', ')}` }), 'status') }),
  z.object({ field: z.literal('visibility'), op: z.literal('is'), value: z.enum(['public', 'private'], { error: 'Use public or private' }) }),
  z.object({ field: z.literal('message_audience'), op: z.enum(['in', 'not_in']), value: nonEmptyList(z.enum(AUDIENCES, { error: `Use ${AUDIENCES.join(', ')}` }), 'audience') }),
  // The requester's followers over all their social identities.
  z.object({ field: z.literal('requester_reach'), op: z.enum(['gte', 'lt']), value: num }),
  z.object({ field: z.literal('requester_identity'), op: z.enum(['has', 'has_not']), value: words }),
  z.object({ field: z.literal('requester_name'), op: z.enum(['contains', 'not_contains']), value: text }),
  z.object({ field: z.literal('requester_email'), op: z.enum(['contains', 'ends_with', 'not_contains']), value: text }),
  z.object({ field: z.literal('requester_reputation'), op: z.enum(['gte', 'lt']), value: num }),
  // The ticket's calendar (team's, else inbox's) at the moment the trigger fires.
  z.object({ field: z.literal('business_hours'), op: z.literal('is'), value: z.enum(['inside', 'outside'], { error: 'Use inside or outside' }) }),
  z.object({ field: z.literal('language'), op: z.enum(['in', 'not_in']), value: words }),
], { error: 'Choose what the condition tests' });
export type Condition = z.infer<typeof conditionSchema>;

export const ruleInputSchema = z.object({
  name: z.string().trim().min(1, 'Give the rule a name').max(120, 'At most 120 characters'),
  enabled: z.preprocess((v) => v === true || v === 'on' || v === 'true' || v === '1', z.boolean()).optional().default(false),
  trigger: triggerSchema,
  conditions: z.array(conditionSchema).max(20, 'At most 20 conditions').optional().default([]),
  actions: actionListSchema,
});
export type RuleInput = z.infer<typeof ruleInputSchema>;

// A stored rule, parsed: what the engine evaluates.
export interface ParsedRule extends RuleInput {
  id: number;
  position: number;
}
