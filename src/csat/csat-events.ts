import { SCORE_LABELS, scoreName } from './csat-links';

const label = (score: unknown) => {
  const n = scoreName(typeof score === 'number' ? score : null);
  return n ? SCORE_LABELS[n] : 'unknown';
};
const quoted = (c: unknown) => (typeof c === 'string' && c ? `: “${c.length > 140 ? `${c.slice(0, 139)}…` : c}”` : '');

// How the agent ticket page's history reads a satisfaction event (staff only).
export function csatEventText(type: string, d: Record<string, any>): string {
  switch (type) {
    case 'csat.requested': return `Satisfaction survey sent (${(d.via ?? []).join(', ')}) because the ticket was solved`;
    case 'csat.skipped': return `Satisfaction survey not sent: ${d.reason}`;
    case 'csat.rated': return `Customer rated ${label(d.score)}${quoted(d.comment)}`;
    case 'csat.changed': return `Customer changed their rating ${label(d.from)} → ${label(d.to)}${quoted(d.comment)}`;
    case 'csat.commented': return `Customer commented on their ${label(d.score)} rating${quoted(d.comment)}`;
    default: return type;
  }
}
