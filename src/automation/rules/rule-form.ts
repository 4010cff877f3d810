import type { Agent, CannedResponse, Inbox, Team } from '../../db/entities';
import { PRIORITIES, TICKET_STATUSES } from '../../db/entities';
import { ACTION_STATUSES, type Action } from '../actions/action-schema';
import { type Condition, type RuleInput, TRIGGERS, type Trigger } from './rule-schema';
import { ENGLISH, type PageText } from '../../agent-web/page-text';

// The rule form without JavaScript: conditions and actions are rows of a select and a text field
// (c0_test + c0_value, a0_do + a0_arg). A select option carries what the row does ("subject:contains",
// "set_priority:high", "reply:4:participants"); the text field what it needs (the words, a tag, a URL).
export const BLANK_ROWS = 3;

export interface Choice { value: string; label: string }
export interface ChoiceGroup { label: string; choices: Choice[] }

export const CONDITION_TESTS: Choice[] = [
  ['channel:in', 'Channel is one of (email, x, …)'], ['channel:not_in', 'Channel is none of'],
  ['inbox:in', 'Inbox is one of (ids)'], ['inbox:not_in', 'Inbox is none of (ids)'],
  ['subject:contains', 'Subject contains'], ['subject:not_contains', 'Subject does not contain'], ['subject:matches', 'Subject matches pattern'],
  ['text:contains', 'Message contains'], ['text:not_contains', 'Message does not contain'], ['text:matches', 'Message matches pattern'],
  ['tags:any', 'Tags include any of'], ['tags:all', 'Tags include all of'], ['tags:none', 'Tags include none of'],
  ['priority:in', 'Priority is one of'], ['priority:not_in', 'Priority is none of'],
  ['status:in', 'Status is one of'], ['status:not_in', 'Status is none of'],
  ['visibility:is', 'Visibility is (public / private)'],
  ['message_audience:in', 'Message audience is one of (public, participants)'],
  ['requester_reach:gte', 'Requester reach (followers) at least'], ['requester_reach:lt', 'Requester reach below'],
  ['requester_identity:has', 'Requester has an identity of kind (email, x, …)'], ['requester_identity:has_not', 'Requester has no identity of kind'],
  ['requester_name:contains', 'Requester name contains'], ['requester_email:ends_with', 'Requester e-mail ends with'], ['requester_email:contains', 'Requester e-mail contains'],
  ['requester_reputation:gte', 'Requester reputation at least'], ['requester_reputation:lt', 'Requester reputation below'],
  ['business_hours:is', 'Business hours (inside / outside)'],
  ['language:in', 'Language is one of (en, de, fr, es, it, nl, pt)'], ['language:not_in', 'Language is none of'],
].map(([value, label]) => ({ value, label }));

// The words of a condition test or trigger in the page's language (English: the labels above).
export const conditionLabel = (t: PageText, value: string) => t(`admin.ruleText.cond.${value.replace(':', '__')}`);
export const triggerLabel = (t: PageText, type: string) => t(`admin.ruleText.trigger.${type}`);

export function actionChoices(agents: Agent[], teams: Team[], canned: CannedResponse[], t: PageText = ENGLISH): ChoiceGroup[] {
  const active = agents.filter((a) => a.active);
  const a = (key: string, values?: Record<string, unknown>) => t(`admin.ruleText.action.${key}`, values);
  return [
    { label: a('groupAssign'), choices: [
      ...active.map((x) => ({ value: `assign_agent:${x.id}`, label: a('assignTo', { name: x.name }) })),
      { value: 'assign_round_robin:', label: a('rrTicketTeam') },
      ...teams.map((x) => ({ value: `assign_round_robin:${x.id}`, label: a('rrIn', { name: x.name }) })),
      ...teams.map((x) => ({ value: `assign_team:${x.id}`, label: a('setTeam', { name: x.name }) })),
    ] },
    { label: a('groupTicket'), choices: [
      ...PRIORITIES.map((p) => ({ value: `set_priority:${p}`, label: a('setPriority', { p }) })),
      ...ACTION_STATUSES.filter((x) => x !== 'closed').map((x) => ({ value: `set_status:${x}`, label: a('setStatus', { s: x }) })),
      { value: 'close:', label: a('close') },
      { value: 'add_tag:', label: a('addTag') },
      { value: 'remove_tag:', label: a('removeTag') },
    ] },
    { label: a('groupMessages'), choices: [
      ...canned.flatMap((c) => [
        { value: `reply:${c.id}:participants`, label: a('replyParticipants', { title: c.title }) },
        { value: `reply:${c.id}:public`, label: a('replyPublic', { title: c.title }) },
      ]),
      { value: 'add_note:', label: a('addNote') },
    ] },
    { label: a('groupTell'), choices: [
      { value: 'notify_agents:assignee', label: a('notifyAssignee') },
      ...active.map((x) => ({ value: `notify_agents:${x.id}`, label: a('notify', { name: x.name }) })),
      { value: 'call_webhook:', label: a('webhook') },
    ] },
  ];
}

type Raw = Record<string, unknown>;
const str = (v: unknown) => (Array.isArray(v) ? String(v[0] ?? '') : v === undefined || v === null ? '' : String(v));
const many = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);
const rowIndexes = (raw: Raw, prefix: string) => [...new Set(Object.keys(raw).map((k) => new RegExp(`^${prefix}(\\d+)_`).exec(k)?.[1]).filter((x): x is string => !!x).map(Number))].sort((a, b) => a - b);

// Form fields → the API's shape (still unvalidated: the schema names what is wrong). Row numbers
// are kept so an error on conditions.2 points at the third row shown.
export function ruleFromForm(raw: Raw): { input: Record<string, unknown>; conditionRows: number[]; actionRows: number[] } {
  const type = str(raw.trigger);
  const trigger: Record<string, unknown> = { type };
  if (type === 'pending_for') trigger.hours = str(raw.trigger_hours);
  if (type === 'solved_for' || type === 'no_customer_answer') trigger.days = str(raw.trigger_days);
  if (type === 'message_received') Object.assign(trigger, { audiences: many(raw.trigger_audiences), channels: str(raw.trigger_channels) });
  if (type === 'status_changed') trigger.statuses = many(raw.trigger_statuses);
  const conditions: Record<string, unknown>[] = [];
  const conditionRows: number[] = [];
  for (const i of rowIndexes(raw, 'c')) {
    const test = str(raw[`c${i}_test`]);
    if (!test) continue;
    const [field, op] = test.split(':');
    conditions.push({ field, op, value: str(raw[`c${i}_value`]) });
    conditionRows.push(i);
  }
  const actions: Record<string, unknown>[] = [];
  const actionRows: number[] = [];
  for (const i of rowIndexes(raw, 'a')) {
    const pick = str(raw[`a${i}_do`]);
    if (!pick) continue;
    actions.push(actionOf(pick, str(raw[`a${i}_arg`]).trim()));
    actionRows.push(i);
  }
  return { input: { name: str(raw.name), enabled: raw.enabled === '1' || raw.enabled === 'on', trigger, conditions, actions }, conditionRows, actionRows };
}

function actionOf(pick: string, arg: string): Record<string, unknown> {
  const [type, p1, p2] = pick.split(':');
  switch (type) {
    case 'assign_agent': return { type, agentId: p1 };
    case 'assign_team': return { type, teamId: p1 };
    case 'assign_round_robin': return { type, teamId: p1 || undefined };
    case 'set_priority': return { type, priority: p1 };
    case 'set_status': return { type, status: p1 };
    case 'reply': return { type, cannedResponseId: p1, audience: p2 };
    case 'add_tag': case 'remove_tag': return { type, tag: arg };
    case 'add_note': return { type, text: arg };
    case 'notify_agents': return p1 === 'assignee' ? { type, agentIds: [], assignee: true, text: arg } : { type, agentIds: [p1], text: arg };
    case 'call_webhook': return { type, url: arg };
    default: return { type };
  }
}

// A saved rule → the form's values (the inverse of ruleFromForm).
export function formOf(r: RuleInput): Record<string, unknown> {
  const t = r.trigger as Trigger & Record<string, any>;
  const out: Record<string, unknown> = {
    name: r.name, enabled: r.enabled, trigger: t.type, trigger_hours: t.hours ?? '', trigger_days: t.days ?? '',
    trigger_audiences: t.audiences ?? [], trigger_channels: (t.channels ?? []).join(', '), trigger_statuses: t.statuses ?? [],
  };
  r.conditions.forEach((c: Condition, i) => Object.assign(out, { [`c${i}_test`]: `${c.field}:${c.op}`, [`c${i}_value`]: Array.isArray(c.value) ? c.value.join(', ') : String(c.value) }));
  r.actions.forEach((a: Action, i) => Object.assign(out, { [`a${i}_do`]: pickOf(a), [`a${i}_arg`]: argOf(a) }));
  return out;
}

function pickOf(a: Action): string {
  switch (a.type) {
    case 'assign_agent': return `assign_agent:${a.agentId}`;
    case 'assign_team': return `assign_team:${a.teamId}`;
    case 'assign_round_robin': return `assign_round_robin:${a.teamId ?? ''}`;
    case 'set_priority': return `set_priority:${a.priority}`;
    case 'set_status': return `set_status:${a.status}`;
    case 'reply': return `reply:${a.cannedResponseId}:${a.audience}`;
    case 'notify_agents': return a.assignee || !a.agentIds.length ? 'notify_agents:assignee' : `notify_agents:${a.agentIds[0]}`;
    default: return `${a.type}:`;
  }
}

function argOf(a: Action): string {
  if (a.type === 'add_tag' || a.type === 'remove_tag') return a.tag;
  if (a.type === 'add_note') return a.text;
  if (a.type === 'notify_agents') return a.text;
  if (a.type === 'call_webhook') return a.url;
  return '';
}

// The page model: the trigger select, and the rows (filled ones, then BLANK_ROWS empty ones)
// with each option marked selected and each row's error beside it.
export function formModel(values: Record<string, unknown>, errors: Record<string, string>, ctx: { agents: Agent[]; teams: Team[]; canned: CannedResponse[]; inboxes: Inbox[] }, t: PageText = ENGLISH) {
  const rows = (prefix: 'c' | 'a') => {
    const filled = rowIndexes(values, prefix).filter((i) => str(values[`${prefix}${i}_${prefix === 'c' ? 'test' : 'do'}`]));
    const next = filled.length ? Math.max(...filled) + 1 : 0;
    return [...filled, ...Array.from({ length: BLANK_ROWS }, (_, k) => next + k)];
  };
  const groups = actionChoices(ctx.agents, ctx.teams, ctx.canned, t);
  const tests = CONDITION_TESTS.map((c) => ({ value: c.value, label: conditionLabel(t, c.value) }));
  const audiences = many(values.trigger_audiences);
  const statuses = many(values.trigger_statuses);
  return {
    name: str(values.name), enabled: values.enabled === true || values.enabled === '1' || values.enabled === 'on',
    triggers: TRIGGERS.map((x) => ({ value: x, label: triggerLabel(t, x), selected: x === str(values.trigger) })),
    hours: str(values.trigger_hours), days: str(values.trigger_days), channels: str(values.trigger_channels),
    audiences: ['public', 'participants'].map((a) => ({ value: a, checked: audiences.includes(a) })),
    statuses: TICKET_STATUSES.filter((x) => x !== 'new').map((x) => ({ value: x, checked: statuses.includes(x) })),
    inboxes: ctx.inboxes.map((i) => ({ id: i.id, name: i.name })),
    conditions: rows('c').map((i) => ({
      i, value: str(values[`c${i}_value`]), error: errors[`c${i}`] ?? null,
      tests: tests.map((c) => ({ ...c, selected: c.value === str(values[`c${i}_test`]) })),
    })),
    actions: rows('a').map((i) => ({
      i, arg: str(values[`a${i}_arg`]), error: errors[`a${i}`] ?? null,
      groups: groups.map((g) => ({ label: g.label, choices: g.choices.map((c) => ({ ...c, selected: c.value === str(values[`a${i}_do`]) })) })),
    })),
    errors,
  };
}

// Schema paths → form fields: conditions.1.value → the row c<n>, trigger.hours → trigger.
export function formErrors(fields: Record<string, string[] | string>, rows: { conditionRows: number[]; actionRows: number[] }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, msgs] of Object.entries(fields)) {
    const msg = Array.isArray(msgs) ? msgs[0] : msgs;
    const [head, idx] = path.split('.');
    const key = head === 'conditions' && idx !== undefined ? `c${rows.conditionRows[Number(idx)] ?? idx}`
      : head === 'actions' && idx !== undefined ? `a${rows.actionRows[Number(idx)] ?? idx}` : head;
    out[key] ??= msg;
  }
  return out;
}
