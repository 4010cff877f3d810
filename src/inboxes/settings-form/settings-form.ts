import type { ChannelKind } from '../../db/entities';
import { groupsFor, labelOf, settingsText, type SettingsField } from './settings-fields';
import { ENGLISH, type PageText } from '../../agent-web/page-text';

type Settings = Record<string, unknown>;

const get = (o: unknown, key: string): unknown => key.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Settings)[k] : undefined), o);
function set(o: Settings, key: string, value: unknown): void {
  const parts = key.split('.');
  let at = o;
  for (const p of parts.slice(0, -1)) at = (at[p] ??= {}) as Settings;
  at[parts[parts.length - 1]] = value;
}
// Form inputs of one channel kind are named by it, so a page holding every kind's fields (the
// create form without script) submits each kind apart.
export const inputName = (kind: ChannelKind, key: string) => `set.${kind}.${key}`;

// The form of a kind filled from stored settings; secrets are never sent back, only "stored".
export function settingsFormOf(kind: ChannelKind, settings: Settings | null, posted?: Record<string, unknown>, t: PageText = ENGLISH) {
  return groupsFor(kind).map((g) => ({
    title: settingsText(t, g.title),
    fields: g.fields.map((f) => {
      const name = inputName(kind, f.key);
      const stored = get(settings, f.key);
      const raw = posted ? posted[name] : undefined;
      const value = f.type === 'secret' ? (posted ? String(raw ?? '') : '')
        : posted ? String(raw ?? '')
        : f.type === 'lines' ? (Array.isArray(stored) ? stored.join('\n') : '')
        : stored === undefined || stored === null || typeof stored === 'object' ? '' : String(stored);
      const checked = f.type === 'checkbox' && (posted ? raw === '1' : stored === undefined ? !!f.on : stored === true);
      return { ...f, label: settingsText(t, f.label), help: f.help ? settingsText(t, f.help) : undefined, name, value, checked, stored: f.type === 'secret' && typeof stored === 'string' && stored.length > 0, isCheckbox: f.type === 'checkbox', isLines: f.type === 'lines', id: name.replace(/\./g, '-') };
    }),
  }));
}

function read(f: SettingsField, raw: unknown): unknown {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (f.type === 'checkbox') return raw === '1';
  if (f.type === 'lines') return text ? text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean) : undefined;
  if (!text) return undefined;
  // A number field keeps what was typed when it is not a number, so the schema names the field.
  if (f.type === 'number') return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  return text;
}

// The settings a submitted form describes, on top of what is stored: a field left empty takes the
// channel's default (a secret left empty keeps the stored one); a block whose `presentIf` is not
// filled in is dropped (a ticked-off block keeps its numbers, switched off).
export function settingsFromForm(kind: ChannelKind, body: Record<string, unknown>, stored: Settings | null): Settings {
  const out: Settings = {};
  for (const g of groupsFor(kind)) {
    const block: Settings = {};
    for (const f of g.fields) {
      let v = read(f, body[inputName(kind, f.key)]);
      if (v === undefined && f.type === 'secret') v = get(stored, f.key);
      if (v !== undefined) set(block, f.key, v);
    }
    // An emptied field is cleared (the channel's default applies), not kept from before.
    for (const f of g.fields) if (!(f.key.split('.')[0] in block)) block[f.key.split('.')[0]] = undefined;
    if (g.key && g.presentIf) {
      const on = get(block, g.presentIf);
      const had = get(stored, g.key) !== undefined;
      const gate = g.fields.find((f) => f.key === g.presentIf)!;
      if (!on && (gate.type !== 'checkbox' || !had)) { out[g.key] = undefined; continue; }
    }
    Object.assign(out, block);
  }
  return out;
}

// The settings errors of createInbox/updateInbox (fields "settings.<path>") beside their inputs,
// each message naming its field; a path no field has (e.g. customFields) goes to the JSON box.
export function settingsErrors(kind: ChannelKind, fields: Record<string, string[] | string>): { fields: Record<string, string>; summary: string } {
  const out: Record<string, string> = {};
  const named: string[] = [];
  const known = new Set(groupsFor(kind).flatMap((g) => g.fields.map((f) => f.key)));
  for (const [path, msgs] of Object.entries(fields)) {
    const key = path.replace(/^settings\./, '');
    const msg = Array.isArray(msgs) ? msgs[0] : msgs;
    const label = labelOf(kind, path);
    const text = `${label}: ${msg}`;
    if (known.has(key)) out[inputName(kind, key)] ??= text;
    else out.settings ??= `${key}: ${msg}`;
    named.push(known.has(key) ? text : `${key} (advanced): ${msg}`);
  }
  return { fields: out, summary: `Check the highlighted fields — ${named.join('; ')}` };
}

// The advanced box: raw JSON whose top-level keys replace the form's (blocks such as a web
// form's customFields have no fields of their own).
export function parseAdvanced(text: unknown): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  const t = typeof text === 'string' ? text.trim() : '';
  if (!t) return { ok: true, value: {} };
  try {
    const v = JSON.parse(t);
    if (!v || typeof v !== 'object' || Array.isArray(v)) return { ok: false, error: 'Advanced settings: give a JSON object, e.g. {"customFields": []}.' };
    return { ok: true, value: v as Record<string, unknown> };
  } catch (err) {
    return { ok: false, error: `Advanced settings: Settings must be JSON, e.g. {"customFields": []} (${(err as Error).message}).` };
  }
}
