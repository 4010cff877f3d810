// A message's language, guessed cheaply: messages carry no language of their own, so the most
// frequent function words decide among a few languages (en, de, fr, es, it, nl, pt). Short or
// mixed texts give null, and a `language` condition then does not hold.
const WORDS: Record<string, string[]> = {
  en: ['the', 'and', 'is', 'to', 'you', 'it', 'my', 'not', 'have', 'this', 'for', 'with', 'can', 'please', 'thanks', 'what', 'are'],
  de: ['der', 'die', 'das', 'und', 'ist', 'nicht', 'ich', 'sie', 'mit', 'ein', 'eine', 'bitte', 'danke', 'wie', 'auf', 'mein', 'haben'],
  fr: ['le', 'la', 'les', 'et', 'est', 'je', 'vous', 'pas', 'une', 'des', 'pour', 'merci', 'avec', 'mon', 'que', 'bonjour'],
  es: ['el', 'la', 'los', 'y', 'es', 'que', 'no', 'por', 'una', 'con', 'para', 'gracias', 'mi', 'hola', 'tengo', 'como'],
  it: ['il', 'la', 'che', 'e', 'non', 'per', 'una', 'sono', 'con', 'grazie', 'mio', 'ciao', 'come', 'ho', 'della'],
  nl: ['de', 'het', 'een', 'en', 'is', 'niet', 'ik', 'van', 'met', 'voor', 'bedankt', 'mijn', 'hoe', 'dat', 'heb'],
  pt: ['o', 'a', 'os', 'e', 'que', 'não', 'um', 'uma', 'com', 'para', 'obrigado', 'meu', 'olá', 'tenho', 'como'],
};
const INDEX = new Map<string, string[]>();
for (const [lang, words] of Object.entries(WORDS)) for (const w of words) INDEX.set(w, [...(INDEX.get(w) ?? []), lang]);

export function detectLanguage(text: string): string | null {
  const scores = new Map<string, number>();
  let seen = 0;
  for (const w of text.slice(0, 2000).toLowerCase().split(/[^\p{L}]+/u)) {
    const langs = INDEX.get(w);
    if (!langs) continue;
    seen++;
    for (const l of langs) scores.set(l, (scores.get(l) ?? 0) + 1 / langs.length);
  }
  if (seen < 2) return null;
  const [best, second] = [...scores.entries()].sort((a, b) => b[1] - a[1]);
  if (!best || (second && best[1] < second[1] * 1.5)) return null;
  return best[0];
}
