import { presentTicketList } from '../http/presenters/ticket.presenter';

type Presented = Awaited<ReturnType<typeof presentTicketList>>[number];

export const CHANNELS: Record<string, [label: string, letter: string]> = {
  email: ['E-mail', '@'], webform: ['Web form', 'F'], api: ['API', '{}'], messenger: ['Messenger', 'M'], instagram: ['Instagram', 'IG'],
  whatsapp: ['WhatsApp', 'W'], telegram: ['Telegram', 'T'], x: ['X', 'X'], mastodon: ['Mastodon', 'm'], community: ['Community', 'C'],
};
export const AUDIENCES: Record<string, string> = { public: 'Public', participants: 'Participants', staff: 'Staff note' };
export const audienceLabel = (a: string) => AUDIENCES[a] ?? a;
export const channelLabel = (c: string) => CHANNELS[c]?.[0] ?? c;
export const channelLetter = (c: string) => CHANNELS[c]?.[1] ?? c.slice(0, 1).toUpperCase();

export function compactNumber(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(n >= 10_000_000 ? 0 : 1)}M`;
  if (n >= 1_000) return `${(n / 1_000).toFixed(n >= 10_000 ? 0 : 1)}k`;
  return String(n);
}

export function age(iso: string | null, now: number): string {
  if (!iso) return '';
  const min = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  if (min < 1) return 'now';
  if (min < 60) return `${min}m`;
  const h = Math.round(min / 60);
  if (h < 24) return `${h}h`;
  const d = Math.round(h / 24);
  return d < 60 ? `${d}d` : `${Math.round(d / 30)}mo`;
}

export const avatarClass = (id: number | null | undefined) => `c${Math.abs(id ?? 0) % 6}`;

// A time span for deadlines, precise where it matters: 45m, 1h 30m, 14h, 3d.
export function duration(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${min}m`;
  const h = Math.floor(min / 60);
  if (h < 10) return min % 60 ? `${h}h ${min % 60}m` : `${h}h`;
  if (h < 48) return `${Math.round(min / 60)}h`;
  return `${Math.round(min / 1440)}d`;
}

const SLA_TARGET_TITLES: Record<string, string> = { first_response: 'First-response target', next_response: 'Next-response target', resolution: 'Resolution target' };

// "due in 40m" / "overdue 2h": the ticket's next SLA due time (its policy's soonest running
// target), titled with that target.
export function slaLabel(t: { status: string; slaDueAt: string | null; slaTarget?: string | null }, now: number): { text: string; overdue: boolean; title: string } | null {
  if (!t.slaDueAt || !['new', 'open', 'pending'].includes(t.status)) return null;
  const due = Date.parse(t.slaDueAt);
  const span = duration(Math.abs(due - now));
  const title = SLA_TARGET_TITLES[t.slaTarget ?? 'first_response'] ?? 'SLA target';
  return due >= now ? { text: `due in ${span}`, overdue: false, title } : { text: `overdue ${span}`, overdue: true, title };
}

// What one inbox row shows; the template only prints these fields.
export function toRow(t: Presented, now: number) {
  const req = t.requester as { id: number; name: string | null; followers: number | null } | null;
  const asg = t.assignee as { id: number; name: string } | null;
  return {
    id: t.id,
    subject: t.subject,
    snippet: t.snippet ?? '',
    status: t.status,
    priority: t.priority,
    urgent: t.priority === 'high' || t.priority === 'urgent',
    visibility: t.visibility,
    channel: t.channel,
    channelLabel: channelLabel(t.channel),
    channelLetter: channelLetter(t.channel),
    requesterName: req?.name || 'Unknown sender',
    // Second line under the name: their reach where the platform has one, else the channel.
    reach: req?.followers ? `${compactNumber(req.followers)} followers` : channelLabel(t.channel),
    assigneeName: asg?.name ?? null,
    assigneeInitial: asg?.name?.trim().charAt(0).toUpperCase() ?? '',
    assigneeClass: avatarClass(asg?.id),
    tags: t.tags.slice(0, 3),
    age: age(t.lastActivityAt, now),
    sla: slaLabel(t, now),
    lastActivityAt: t.lastActivityAt,
    automatic: t.automatic,
    snoozed: t.snooze ? (t.snooze.untilCustomerAnswers ? 'snoozed until answered' : (t.snooze.until && Date.parse(t.snooze.until) > now ? `snoozed, wakes in ${duration(Date.parse(t.snooze.until) - now)}` : 'snoozed')) : null,
  };
}
