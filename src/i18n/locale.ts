// The languages Chorus speaks to customers, and how one is picked from what a browser says.
export const LOCALES = ['en', 'de'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', de: 'Deutsch' };

// `de-AT`, `DE`, `de_CH` → 'de'; a language we have no catalogue for → null.
export function supportedLocale(tag: string | null | undefined): Locale | null {
  const primary = String(tag ?? '').trim().toLowerCase().split(/[-_]/)[0];
  return (LOCALES as readonly string[]).includes(primary) ? (primary as Locale) : null;
}

// The best language of an Accept-Language header that we have, by its q-values (RFC 9110 §12.5.4);
// null when it names none of ours, so the next source (the customer's messages) can decide.
export function fromAcceptLanguage(header: string | null | undefined): Locale | null {
  if (!header) return null;
  const ranked = header.slice(0, 500).split(',').map((part, i) => {
    const [tag, ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
    return { tag, q: q === undefined ? 1 : Number(q), i };
  }).filter((x) => x.tag && x.q > 0 && Number.isFinite(x.q)).sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranked) {
    const l = supportedLocale(r.tag);
    if (l) return l;
  }
  return null;
}

// The language of what Chorus writes to an agent (notifications, mentions, notices, a password
// reset): the one they chose for the agent app, else English (no browser is asking then).
export const chosenAgentLocale = (agent: { locale: string | null }): Locale => supportedLocale(agent.locale) ?? DEFAULT_LOCALE;
