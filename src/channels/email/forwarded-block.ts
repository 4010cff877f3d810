import { simpleParser } from 'mailparser';

export interface ForwardedMail {
  // What the forwarder wrote above the forwarded block (may be empty).
  note: string;
  from: { address: string; name: string | null };
  subject: string | null;
  date: Date | null;
  // The forwarded mail's own text.
  body: string;
  // 'forward' for a separator that says so; 'original' for Outlook's, which replies use too.
  marker: 'forward' | 'original';
}

// The separators mail clients put above a forwarded mail: Gmail, Thunderbird, Apple Mail, in
// English, German and French; Outlook's (also its underscore rule) sits above replies too.
const FORWARD_MARKERS = [
  /^-{2,}\s*(forwarded message|weitergeleitete nachricht|message transféré|message transfere)\s*-{2,}\s*$/i,
  /^(begin forwarded message|anfang der weitergeleiteten nachricht|début du message réexpédié)\s*:\s*$/i,
];
const ORIGINAL_MARKERS = [/^-{2,}\s*(original message|ursprüngliche nachricht|message d'origine)\s*-{2,}\s*$/i, /^_{10,}\s*$/];

// Header names of the block, per language, mapped to what we read.
const FIELDS: Record<string, 'from' | 'date' | 'subject' | 'other'> = {
  from: 'from', von: 'from', de: 'from', da: 'from',
  date: 'date', sent: 'date', datum: 'date', gesendet: 'date', envoyé: 'date', envoye: 'date',
  subject: 'subject', betreff: 'subject', objet: 'subject', oggetto: 'subject',
  to: 'other', an: 'other', à: 'other', a: 'other', cc: 'other', bcc: 'other', 'reply-to': 'other', 'antwort an': 'other',
};

// A subject that says it is a forward: Fwd:, Fw:, WG: (German), TR: (French).
export const FORWARD_SUBJECT = /^\s*(fwd?|wg|tr)\s*:/i;

export function stripForwardPrefix(subject: string): string {
  let s = subject;
  while (FORWARD_SUBJECT.test(s)) s = s.replace(FORWARD_SUBJECT, '');
  return s.trim();
}

// "Name <a@b>", "\"Name\" <mailto:a@b>", "Name [mailto:a@b]", "a@b".
export function parseAddress(value: string): { address: string; name: string | null } | null {
  const v = value.replace(/\*/g, '').trim();
  const bracketed = /^(.*?)[<[]\s*(?:mailto:)?([^\s<>[\]@]+@[^\s<>[\]]+?)\s*[>\]]\s*$/i.exec(v);
  if (bracketed) {
    const name = bracketed[1].trim().replace(/^"(.*)"$/, '$1').trim();
    return { address: bracketed[2].toLowerCase(), name: name || null };
  }
  const bare = /([^\s<>()"',;:]+@[^\s<>()"',;:]+\.[^\s<>()"',;:]+)/.exec(v);
  return bare ? { address: bare[1].toLowerCase(), name: null } : null;
}

// Finds the first forwarded block in a text and reads its From/Date/Subject lines. Null when
// there is no block or it names no sender address (then we cannot tell who the customer is).
export function parseForwardedBlock(text: string): ForwardedMail | null {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const at = lines.findIndex((l) => [...FORWARD_MARKERS, ...ORIGINAL_MARKERS].some((re) => re.test(l.trim())));
  if (at < 0) return null;
  const marker = FORWARD_MARKERS.some((re) => re.test(lines[at].trim())) ? 'forward' : 'original';
  let i = at + 1;
  while (i < lines.length && !lines[i].trim()) i++;
  const fields: { from?: string; date?: string; subject?: string } = {};
  let seen = 0;
  for (; i < lines.length; i++) {
    const line = lines[i].replace(/^>\s?/, '').replace(/\*/g, '');
    if (!line.trim()) break;
    const m = /^\s*([\p{L}-]+(?: [\p{L}-]+)?)\s*:\s*(.*)$/u.exec(line);
    const kind = m ? FIELDS[m[1].toLowerCase()] : undefined;
    if (!m || !kind) {
      // A long header wrapped onto the next line continues the previous one.
      if (seen && /^\s/.test(lines[i])) continue;
      break;
    }
    seen++;
    if (kind !== 'other' && fields[kind] === undefined) fields[kind] = m[2].trim();
  }
  const from = fields.from ? parseAddress(fields.from) : null;
  if (!from) return null;
  const date = fields.date ? new Date(fields.date) : null;
  return {
    note: lines.slice(0, at).join('\n').trim(),
    from,
    subject: fields.subject || null,
    date: date && !Number.isNaN(date.getTime()) ? date : null,
    body: lines.slice(i).join('\n').replace(/^\s*\n/, '').trimEnd(),
    marker,
  };
}

// A mail forwarded "as attachment" (message/rfc822): its own From, Subject, Date and text.
export async function parseAttachedMessage(raw: Buffer): Promise<Omit<ForwardedMail, 'note' | 'marker'> | null> {
  const p = await simpleParser(raw, { skipHtmlToText: false });
  const f = p.from?.value?.[0];
  if (!f?.address) return null;
  return { from: { address: f.address.toLowerCase(), name: f.name || null }, subject: p.subject ?? null, date: p.date ?? null, body: (p.text ?? '').trim() };
}
