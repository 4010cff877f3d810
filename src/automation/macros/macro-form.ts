import type { z } from 'zod';
import { ACTION_LABELS, ACTION_STATUSES } from '../actions/action-schema';
import { PRIORITIES } from '../../db/entities';
import { macroBody, MACRO_ACTION_TYPES, type MacroInput } from './macro-schema';

// The admin form is rows of plain fields (no JSON, no script): each row picks what it does and
// fills the field that action needs. Rows left on "—" are ignored.
export const FORM_ROWS = 6;
const FIELDS = ['tag', 'status', 'priority', 'agentId', 'teamId', 'cannedResponseId', 'audience', 'text'] as const;
type Field = (typeof FIELDS)[number];
const NEEDS: Record<(typeof MACRO_ACTION_TYPES)[number], Field[]> = {
  reply: ['cannedResponseId', 'audience'], add_note: ['text'], add_tag: ['tag'], remove_tag: ['tag'], set_status: ['status'], close: [],
  set_priority: ['priority'], assign_agent: ['agentId'], assign_team: ['teamId'], assign_round_robin: ['teamId'],
};

export type FormRow = { i: number; type: string } & Partial<Record<Field, string>>;
export type FieldErrors = Record<string, string>;

// Form fields → the macro input, or the errors keyed by form field (`tag_2`, `name`, …).
export function parseMacroForm(raw: Record<string, unknown>): { ok: true; input: MacroInput; rows: FormRow[] } | { ok: false; fields: FieldErrors; rows: FormRow[]; values: { name: string; description: string } } {
  const str = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : '');
  const rows: FormRow[] = [];
  const rowOf: number[] = [];
  const actions: Record<string, unknown>[] = [];
  for (let i = 0; i < FORM_ROWS; i++) {
    const row: FormRow = { i, type: str(`type_${i}`) };
    for (const f of FIELDS) row[f] = str(`${f}_${i}`);
    rows.push(row);
    if (!row.type) continue;
    const action: Record<string, unknown> = { type: row.type };
    for (const f of NEEDS[row.type as keyof typeof NEEDS] ?? []) action[f] = row[f];
    rowOf.push(i);
    actions.push(action);
  }
  const values = { name: str('name'), description: str('description') };
  const parsed = macroBody.safeParse({ ...values, actions });
  if (parsed.success) return { ok: true, input: parsed.data, rows };
  return { ok: false, fields: formErrors(parsed.error, rowOf), rows, values };
}

function formErrors(err: z.ZodError, rowOf: number[]): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of err.issues) {
    const [top, index, field] = issue.path as (string | number)[];
    const key = top === 'actions' && typeof index === 'number' ? `${field ?? 'type'}_${rowOf[index]}` : String(top ?? 'form');
    out[key] ??= issue.message;
  }
  return out;
}

// A stored macro as form rows, padded with empty rows to add more actions.
export function rowsOf(actions: MacroInput['actions']): FormRow[] {
  const rows: FormRow[] = actions.map((a, i) => {
    const row: FormRow = { i, type: a.type };
    for (const [k, v] of Object.entries(a)) if (k !== 'type' && (FIELDS as readonly string[]).includes(k)) row[k as Field] = String(v);
    return row;
  });
  for (let i = rows.length; i < Math.max(FORM_ROWS, rows.length); i++) rows.push({ i, type: '' });
  return rows;
}

// What the form's selects offer.
export function formChoices(data: { agents: { id: number; name: string }[]; teams: { id: number; name: string }[]; canned: { id: number; title: string }[] }) {
  return {
    types: MACRO_ACTION_TYPES.map((t) => ({ value: t, label: ACTION_LABELS[t] })),
    statuses: ACTION_STATUSES, priorities: PRIORITIES, audiences: [{ value: 'participants', label: 'participants (requester and CCs)' }, { value: 'public', label: 'public (public threads only)' }],
    agents: data.agents.map((a) => ({ value: String(a.id), label: a.name })), teams: data.teams.map((t) => ({ value: String(t.id), label: t.name })),
    canned: data.canned.map((c) => ({ value: String(c.id), label: c.title })),
  };
}
