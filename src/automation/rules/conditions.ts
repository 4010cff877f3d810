import { isWithinBusinessHours } from '../business-time';
import type { RuleFacts } from './rule-facts';
import { type Condition, MATCH_CHARS } from './rule-schema';

const lower = (s: string) => s.toLowerCase();
const patterns = new Map<string, RegExp>();
function regex(p: string): RegExp {
  let r = patterns.get(p);
  if (!r) {
    if (patterns.size > 500) patterns.clear();
    patterns.set(p, (r = new RegExp(p, 'iu')));
  }
  return r;
}

function testText(op: 'contains' | 'not_contains' | 'matches', value: string, text: string): boolean {
  const t = text.slice(0, MATCH_CHARS);
  if (op === 'matches') return regex(value).test(t);
  const has = lower(t).includes(lower(value));
  return op === 'contains' ? has : !has;
}

const inList = <T>(op: 'in' | 'not_in', list: readonly T[], v: T) => (op === 'in' ? list.includes(v) : !list.includes(v));

// Every condition must hold; the cheap ones are asked first, so a rule that fails on its channel
// never loads the requester. Conditions on what is already loaded are answered at once (no
// promise): a pass asks 50 rules this per firing, and most fail on their first condition.
export function conditionsHold(conditions: Condition[], f: RuleFacts): boolean | Promise<boolean> {
  const ordered = byCost(conditions);
  for (let i = 0; i < ordered.length; i++) {
    const now = holdsLoaded(ordered[i], f);
    if (now === false) return false;
    if (now === undefined) return holdAfterReads(ordered, i, f);
  }
  return true;
}

async function holdAfterReads(ordered: Condition[], from: number, f: RuleFacts): Promise<boolean> {
  for (let i = from; i < ordered.length; i++) if (!(await holds(ordered[i], f))) return false;
  return true;
}

// Sorted once per parsed rule (the rules are cached), not on every ask.
const sorted = new WeakMap<Condition[], Condition[]>();
function byCost(conditions: Condition[]): Condition[] {
  let s = sorted.get(conditions);
  if (!s) sorted.set(conditions, (s = [...conditions].sort((a, b) => cost(a) - cost(b))));
  return s;
}

function cost(c: Condition): number {
  return c.field.startsWith('requester_') || c.field === 'business_hours' ? 2 : c.field === 'text' || c.field === 'language' ? 1 : 0;
}

export async function holds(c: Condition, f: RuleFacts): Promise<boolean> {
  return holdsLoaded(c, f) ?? holdsAfterRead(c, f);
}

// The answer from the ticket, its tags and the message alone; undefined when the condition reads
// the requester or the business calendar.
function holdsLoaded(c: Condition, f: RuleFacts): boolean | undefined {
  const t = f.ticket;
  switch (c.field) {
    case 'channel': return inList(c.op, c.value.map(lower), lower(f.channel()));
    case 'inbox': return inList(c.op, c.value, t.inboxId);
    case 'subject': return testText(c.op, c.value, t.subject);
    case 'text': return testText(c.op, c.value, f.text());
    case 'tags': {
      const want = c.value.map(lower);
      if (c.op === 'any') return want.some((x) => f.tags.has(x));
      if (c.op === 'all') return want.every((x) => f.tags.has(x));
      return !want.some((x) => f.tags.has(x));
    }
    case 'priority': return inList(c.op, c.value, t.priority);
    case 'status': return inList(c.op, c.value, t.status);
    case 'visibility': return t.visibility === c.value;
    case 'message_audience': return f.message ? inList(c.op, c.value, f.message.audience) : c.op === 'not_in';
    case 'language': {
      const lang = f.language();
      if (!lang) return c.op === 'not_in';
      return inList(c.op, c.value.map(lower), lang);
    }
    default: return undefined;
  }
}

async function holdsAfterRead(c: Condition, f: RuleFacts): Promise<boolean> {
  switch (c.field) {
    case 'requester_reach': {
      const reach = (await f.person()).identities.reduce((n, i) => n + (i.followers ?? 0), 0);
      return c.op === 'gte' ? reach >= c.value : reach < c.value;
    }
    case 'requester_identity': {
      const kinds = new Set((await f.person()).identities.map((i) => lower(i.kind)));
      const any = c.value.some((k) => kinds.has(lower(k)));
      return c.op === 'has' ? any : !any;
    }
    case 'requester_name': return testText(c.op, c.value, (await f.person()).name);
    case 'requester_email': {
      const emails = (await f.person()).identities.filter((i) => i.kind === 'email').map((i) => lower(i.value));
      const v = lower(c.value);
      if (c.op === 'ends_with') return emails.some((e) => e.endsWith(v));
      const has = emails.some((e) => e.includes(v));
      return c.op === 'contains' ? has : !has;
    }
    case 'requester_reputation': {
      const r = (await f.person()).reputation;
      return c.op === 'gte' ? r >= c.value : r < c.value;
    }
    case 'business_hours': {
      const inside = isWithinBusinessHours(await f.businessCalendar(), f.at);
      return c.value === 'inside' ? inside : !inside;
    }
    default: throw new Error(`condition on ${(c as Condition).field}: answered from what is loaded`);
  }
}
