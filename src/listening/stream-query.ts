import type { ListeningQuery } from '../db/entities';

// The stream's query as one line of words, stored on each match so an agent sees why a post came.
export function describeQuery(q: ListeningQuery): string {
  const parts = [
    ...q.keywords, ...q.phrases.map((p) => `"${p}"`), ...q.hashtags.map((h) => `#${h.replace(/^#/, '')}`),
    ...q.exclusions.map((e) => `-${e}`),
  ];
  if (q.language) parts.push(`lang:${q.language}`);
  return parts.join(' ');
}

// Search services match loosely; the stream's exclusions and language are checked here too, so
// a post is an item only when the stream's own words allow it.
export function postMatches(q: ListeningQuery, text: string, language: string | null): boolean {
  const t = text.toLowerCase();
  if (q.exclusions.some((e) => e && t.includes(e.toLowerCase()))) return false;
  if (q.language && language && language.toLowerCase().slice(0, 2) !== q.language.toLowerCase().slice(0, 2)) return false;
  return true;
}
