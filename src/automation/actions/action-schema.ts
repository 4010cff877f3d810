import { z } from 'zod';
import { PRIORITIES } from '../../db/entities';

// One list of ids from a form (a multi-select posts one string or several, a text field
// "3, 5") or from JSON (numbers).
const idList = z.preprocess(
  (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : [v]),
  z.array(z.coerce.number().int().positive('Pick an agent')).max(50),
);
const id = (what: string) => z.coerce.number({ error: `Choose ${what}` }).int().positive(`Choose ${what}`);
// Form checkboxes post "on" / "true" or nothing.
const flag = z.preprocess((v) => v === true || v === 'on' || v === 'true' || v === '1', z.boolean());
const tag = z.string().trim().min(1, 'Name the tag').max(64, 'At most 64 characters');

// Statuses an action may set: `new` is where tickets start, never where they are moved.
export const ACTION_STATUSES = ['open', 'pending', 'solved', 'closed'] as const;

// Everything a rule or macro may do to a ticket. Each carries out one ticket command.
export const actionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('assign_agent'), agentId: id('an agent') }),
  z.object({ type: z.literal('assign_team'), teamId: id('a team') }),
  // The team's next agent in turn (the ticket's own team when none is named).
  z.object({ type: z.literal('assign_round_robin'), teamId: z.preprocess((v) => (v === '' ? undefined : v), id('a team').optional()) }),
  z.object({ type: z.literal('add_tag'), tag }),
  z.object({ type: z.literal('remove_tag'), tag }),
  z.object({ type: z.literal('set_priority'), priority: z.enum(PRIORITIES, { error: `Choose one of ${PRIORITIES.join(', ')}` }) }),
  z.object({ type: z.literal('set_status'), status: z.enum(ACTION_STATUSES, { error: `Choose one of ${ACTION_STATUSES.join(', ')}` }) }),
  // The audience is never implied: the admin says who reads the reply.
  z.object({
    type: z.literal('reply'), cannedResponseId: id('a canned response'),
    audience: z.enum(['public', 'participants'], { error: 'Choose who reads the reply: public or participants' }),
  }),
  z.object({ type: z.literal('add_note'), text: z.string().trim().min(1, 'Write the note').max(5000) }),
  z.object({
    type: z.literal('notify_agents'), agentIds: idList, assignee: flag.optional().default(false),
    text: z.string().trim().max(1000).optional().default(''),
  }).refine((a) => a.agentIds.length > 0 || a.assignee, { message: 'Pick agents to notify or tick the assignee', path: ['agentIds'] }),
  z.object({
    type: z.literal('call_webhook'),
    url: z.string().trim().url('Give a full http(s) URL').refine((u) => /^https?:\/\//i.test(u), 'Give a full http(s) URL').max(2000),
    secret: z.string().max(200).optional().transform((s) => s || undefined),
  }),
  z.object({ type: z.literal('close') }),
], { error: 'Choose what the action does' });

export const actionListSchema = z.array(actionSchema).min(1, 'Add at least one action').max(20, 'At most 20 actions');

export type Action = z.infer<typeof actionSchema>;
export type ActionType = Action['type'];

// Labels for forms and explanations.
export const ACTION_LABELS: Record<ActionType, string> = {
  assign_agent: 'Assign to agent',
  assign_team: 'Set team',
  assign_round_robin: 'Assign round-robin',
  add_tag: 'Add tag',
  remove_tag: 'Remove tag',
  set_priority: 'Set priority',
  set_status: 'Set status',
  reply: 'Reply with canned response',
  add_note: 'Add staff note',
  notify_agents: 'Notify agents',
  call_webhook: 'Call webhook',
  close: 'Close',
};
