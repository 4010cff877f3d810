// The shared action executor: rules and macros describe what to do as an Action list; the
// planner says what it would change (dry runs, previews) and the executor does exactly that.
export { ACTION_LABELS, ACTION_STATUSES, actionListSchema, actionSchema, type Action, type ActionType } from './action-schema';
export { loadState, planActions, type Change, type PlannedStep, type TicketState } from './plan-actions';
export { executeActions, type ActionDeps, type ExecutedStep, type RunContext } from './execute-actions';
export { callWebhook, WEBHOOK_CALL_KIND, webhookCallSender } from './call-webhook';
export { describeCause } from './describe-cause';
