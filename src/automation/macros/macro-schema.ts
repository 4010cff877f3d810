import { z } from 'zod';
import { actionListSchema, type Action, type ActionType } from '../actions/action-schema';

// What a macro may do: what an agent does by hand on a ticket. Webhook calls and agent
// notifications stay with rules, where an admin previews them before they run.
export const MACRO_ACTION_TYPES = ['reply', 'add_note', 'add_tag', 'remove_tag', 'set_status', 'close', 'set_priority', 'assign_agent', 'assign_team', 'assign_round_robin'] as const satisfies readonly ActionType[];

export const macroActionsSchema = actionListSchema.superRefine((list, ctx) => {
  list.forEach((a, i) => {
    if (!(MACRO_ACTION_TYPES as readonly string[]).includes(a.type)) ctx.addIssue({ code: 'custom', path: [i, 'type'], message: `A macro cannot ${a.type.replace(/_/g, ' ')}; use a rule for that` });
  });
});

export const macroBody = z.object({
  name: z.string().trim().min(1, 'Name the macro').max(100, 'At most 100 characters'),
  description: z.string().trim().max(500, 'At most 500 characters').optional().transform((d) => d || null),
  actions: macroActionsSchema,
});
export type MacroInput = z.infer<typeof macroBody>;
export type MacroAction = Action;
