import { detectLanguage } from '../automation/rules/language';

// AFINN (the `sentiment` package) knows English words only: a post is scored when the platform
// says it is English, or says nothing and the cheap detector finds English. Anything else gets
// null, which the listening view shows as "no score" (none rather than a wrong guess).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Sentiment = require('sentiment') as new () => { analyze(text: string): { score: number; comparative: number; tokens: string[] } };
const afinn = new Sentiment();

export function isEnglish(text: string, language: string | null): boolean {
  const lang = language?.trim().toLowerCase() || null;
  if (lang) return lang === 'en' || lang.startsWith('en-') || lang.startsWith('en_');
  return detectLanguage(text) === 'en';
}

// The AFINN comparative score (sum of word scores per token, about -5..5), rounded to 3 places;
// negative is unhappy. Null where the language is not English or the post has no words.
export function scoreSentiment(text: string, language: string | null): number | null {
  if (!text.trim() || !isEnglish(text, language)) return null;
  const r = afinn.analyze(text.slice(0, 5000));
  if (!r.tokens.length) return null;
  return Math.round(r.comparative * 1000) / 1000;
}
