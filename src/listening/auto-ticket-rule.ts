import type { ListeningItem, ListeningStream } from '../db/entities';
import { scoreSentiment } from './sentiment';

// A stream's auto-ticket rule (settings.autoTicket, set on the admin form): a post becomes a
// ticket when its author has at least `minFollowers` followers, or when `negative` is on and the
// post reads negative. Returns the cause in words as the ticket will name it ("stream “Brand”'s
// rule: reach ≥ 10,000"), or null when the rule leaves the post to an agent. The score is the
// stored one, or computed here when the scorer has not run yet (the same pure function), so a
// rule never waits on another handler; a language without a scorer is never "negative".
export function autoTicketCause(stream: Pick<ListeningStream, 'name' | 'settings'>, item: Pick<ListeningItem, 'authorFollowers' | 'sentiment' | 'text' | 'language'>): string | null {
  const rule = stream.settings?.autoTicket;
  if (!rule) return null;
  const why: string[] = [];
  if (rule.minFollowers != null && item.authorFollowers != null && item.authorFollowers >= rule.minFollowers) why.push(`reach ≥ ${rule.minFollowers.toLocaleString('en')}`);
  const sentiment = item.sentiment ?? scoreSentiment(item.text, item.language);
  if (rule.negative && sentiment !== null && sentiment < 0) why.push('negative sentiment');
  return why.length ? `stream “${stream.name}”'s rule: ${why.join(' and ')}` : null;
}
