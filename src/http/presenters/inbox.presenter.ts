import type { Inbox } from '../../db/entities';

// Secrets are never presented back; creation shows them once (see inboxes routes).
// Nested blocks too: an IMAP block's `pass` is as secret as a top-level token.
const SECRET_SETTING = /token|secret|password|pass$|key/i;

function maskSecrets(v: unknown): unknown {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRET_SETTING.test(k) ? '••••••' : maskSecrets(x)]));
}

export function presentInbox(i: Inbox, opts: { withSecret?: boolean } = {}) {
  const settings = opts.withSecret ? (i.settings ?? {}) : (maskSecrets(i.settings ?? {}) as Record<string, unknown>);
  return {
    id: i.id, name: i.name, channel: i.channel, address: i.address, settings, defaultTeamId: i.defaultTeamId, followUpDays: i.followUpDays,
    closedReplies: i.closedReplies, roundRobin: i.roundRobin, calendarId: i.calendarId, autoCloseDays: i.autoCloseDays, createdAt: new Date(i.createdAt).toISOString(),
    ...(opts.withSecret ? { secret: i.secret } : {}),
  };
}
