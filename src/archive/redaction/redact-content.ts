import { simpleParser } from 'mailparser';

export const REDACTED = '[redacted]';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

// Every way a span can sit in stored text: as typed, HTML-escaped, JSON-escaped (a payload
// kept as JSON text) and quoted-printable (a mail body as it came over the wire).
export function spanForms(span: string): string[] {
  const qp = span.replace(/[=\u0080-\uffff]/g, (c) => [...Buffer.from(c, 'utf8')].map((b) => `=${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
  return [...new Set([span, escapeHtml(span), JSON.stringify(span).slice(1, -1), qp])].filter(Boolean);
}

export type Replacement = (span: string) => string;
const redacted: Replacement = () => REDACTED;

// Replaces every form of every span; longest first, so a span inside another goes with it.
export function redactSpans(value: string, spans: string[], replace: Replacement = redacted): { value: string; count: number } {
  let count = 0;
  let out = value;
  const forms = spans.flatMap((span) => spanForms(span).map((form) => ({ form, span }))).sort((a, b) => b.form.length - a.form.length);
  for (const { form, span } of forms) {
    const parts = out.split(form);
    count += parts.length - 1;
    out = parts.join(replace(span));
  }
  return { value: out, count };
}

function deepRedact(v: unknown, spans: string[], replace: Replacement): unknown {
  if (typeof v === 'string') return redactSpans(v, spans, replace).value;
  if (Array.isArray(v)) return v.map((x) => deepRedact(x, spans, replace));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deepRedact(x, spans, replace)]));
  return v;
}

// A JSON value with the spans removed from its strings (never from its keys), and how many went.
export function redactDeep<T>(value: T, spans: string[], replace: Replacement = redacted): { value: T; count: number } {
  let count = 0;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const r = redactSpans(v, spans, replace);
      count += r.count;
      return r.value;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const out = walk(value) as T;
  return { value: out, count };
}

const contains = (text: string | false | undefined | null, spans: string[]) => !!text && spans.some((s) => text.includes(s));

// The raw item as received, without the spans. A JSON payload is redacted value by value. A
// mail is redacted in place (headers and text or quoted-printable bodies); if the spans are
// still in what the mail decodes to (a base64 body, an encoded header), it is rebuilt from
// its headers and the already redacted text, and `rebuilt` says the original bytes are gone.
export async function redactRaw(raw: string, spans: string[], redactedText: string, replace: Replacement = redacted): Promise<{ raw: string; count: number; rebuilt: boolean }> {
  const trimmed = raw.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const parsed = JSON.parse(raw);
      const out = JSON.stringify(deepRedact(parsed, spans, replace));
      return { raw: out, count: redactSpans(raw, spans, replace).count, rebuilt: false };
    } catch {
      /* not JSON after all: treat it as text */
    }
  }
  const inPlace = redactSpans(raw, spans, replace);
  const mail = await simpleParser(inPlace.value).catch(() => null);
  const leaks = !mail ? false : contains(mail.text, spans) || contains(typeof mail.html === 'string' ? mail.html : null, spans) || contains(mail.subject, spans)
    || mail.attachments.some((a) => /^text\//.test(a.contentType) && contains(a.content.toString('utf8'), spans));
  if (!leaks) return { raw: inPlace.value, count: inPlace.count, rebuilt: false };
  const headerEnd = inPlace.value.search(/\r?\n\r?\n/);
  const headers = (headerEnd < 0 ? inPlace.value : inPlace.value.slice(0, headerEnd)).split(/\r?\n(?![ \t])/)
    .filter((h) => !/^(content-type|content-transfer-encoding|subject):/i.test(h))
    .map((h) => h.replace(/\r?\n[ \t]+/g, ' '));
  const subject = redactSpans(mail?.subject ?? '', spans, replace).value;
  const body = [
    ...headers, `Subject: ${subject.replace(/[^\x20-\x7e]/g, '?')}`, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', 'X-Chorus-Redacted: original bytes removed', '',
    redactedText,
  ].join('\r\n');
  return { raw: body, count: Math.max(1, inPlace.count), rebuilt: true };
}

// Payment card numbers: 13–19 digits, spaces or dashes between groups allowed, that pass the
// Luhn check. Masked to their last four digits, as card slips print them.
const CARD = /\b\d(?:[ -]?\d){12,18}\b/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function findCardNumbers(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(CARD)) {
    const digits = m[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits) && !/^(\d)\1+$/.test(digits)) out.add(m[0]);
  }
  return [...out];
}

export function maskCard(card: string): string {
  const digits = card.replace(/[ -]/g, '');
  return `[card ending ${digits.slice(-4)}]`;
}
