import { renderMarkdown } from '../content/markdown';
import { ValidationError } from '../errors';

// Trust levels, as Discourse has them against spam: a new member's public posts may not carry
// links or images until other members have found their posts useful (reputation, see
// reputation.ts). Private conversations with support are never limited.
export const TRUST_LEVELS = [
  { level: 0, name: 'new', minReputation: Number.NEGATIVE_INFINITY, links: false, images: false },
  { level: 1, name: 'basic', minReputation: 10, links: true, images: false },
  { level: 2, name: 'member', minReputation: 50, links: true, images: true },
] as const;

export type TrustLevel = (typeof TRUST_LEVELS)[number];

export function trustOf(reputation: number): TrustLevel {
  let out: TrustLevel = TRUST_LEVELS[0];
  for (const t of TRUST_LEVELS) if (reputation >= t.minReputation) out = t;
  return out;
}

// What the post shows once rendered: a markdown link, a bare https:// address or an e-mail
// address (all made clickable) count as links; a domain written as plain text stays text.
function carries(text: string): { links: boolean; images: boolean } {
  const html = renderMarkdown(text);
  return { links: /<a\s/i.test(html), images: /<img\s/i.test(html) };
}

// Refuses a public post its author's trust level does not allow yet, naming the field and why.
export function assertMayPostPublicly(text: string, reputation: number, field: string): void {
  const trust = trustOf(reputation);
  const has = carries(text);
  if (has.images && !trust.images) {
    const need = TRUST_LEVELS.find((t) => t.images)!;
    throw new ValidationError(`Images in public posts open up at trust level ${need.level} (${need.name}, ${need.minReputation} reputation); you have ${reputation}. Remove the image, or ask privately.`, { fields: { [field]: ['Images need a higher trust level'] } });
  }
  if (has.links && !trust.links) {
    const need = TRUST_LEVELS.find((t) => t.links)!;
    throw new ValidationError(`Links in public posts open up at trust level ${need.level} (${need.name}, ${need.minReputation} reputation); you have ${reputation}. An upvote or an accepted answer earns it. Remove the link, or ask privately.`, { fields: { [field]: ['Links need a higher trust level'] } });
  }
}
