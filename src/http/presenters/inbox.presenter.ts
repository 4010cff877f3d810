import type { Inbox } from '../../db/entities';

// Secrets are never presented back; creation shows them once (see inboxes routes).
const SECRET_SETTING = /token|secret|password|key/i;

export function presentInbox(i: Inbox, opts: { withSecret?: boolean } = {}) {
  const settings = Object.fromEntries(Object.entries(i.settings ?? {}).map(([k, v]) => [k, SECRET_SETTING.test(k) && !opts.withSecret ? '••••••' : v]));
  return {
    id: i.id, name: i.name, channel: i.channel, address: i.address, settings, defaultTeamId: i.defaultTeamId, followUpDays: i.followUpDays,
    closedReplies: i.closedReplies, roundRobin: i.roundRobin, firstResponseMinutes: i.firstResponseMinutes, createdAt: new Date(i.createdAt).toISOString(),
    ...(opts.withSecret ? { secret: i.secret } : {}),
  };
}
