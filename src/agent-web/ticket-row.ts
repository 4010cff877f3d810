import { presentTicketList } from '../http/presenters/ticket.presenter';
import { relativeTime } from '../time/relative-time';
import { displayChannel } from './channel-icons';
import { translate } from '../i18n/i18n';

type Presented = Awaited<ReturnType<typeof presentTicketList>>[number];

export const CHANNELS: Record<string, [label: string]> = {
  email: ['E-mail'], webform: ['Web form'], api: ['API'], messenger: ['Messenger'], instagram: ['Instagram'],
  whatsapp: ['WhatsApp'], telegram: ['Telegram'], x: ['X'], mastodon: ['Mastodon'], bluesky: ['Bluesky'], community: ['Community'],
};
export const AUDIENCES: Record<string, string> = { public: 'Public', participants: 'Participants', staff: 'Staff note' };
// In the agent's language where the word is one (E-Mail, Webformular); platform names stay as they are.
export const audienceLabel = (a: string, locale = 'en') => translate(locale, `agent.audience.${a}`, { defaultValue: AUDIENCES[a] ?? a });
export const channelLabel = (c: string, locale = 'en') => translate(locale, `agent.channel.${c}`, { defaultValue: CHANNELS[c]?.[0] ?? c });
export const audienceLabels = (locale: string) => Object.fromEntries(Object.keys(AUDIENCES).map((a) => [a, audienceLabel(a, locale)]));
export const channelLabels = (locale: string): Record<string, [label: string]> => Object.fromEntries(Object.keys(CHANNELS).map((c) => [c, [channelLabel(c, locale)]]));

export function compactNumber(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(n >= 10_000_000 ? 0 : 1)}M`;
  if (n >= 1_000) return `${(n / 1_000).toFixed(n >= 10_000 ? 0 : 1)}k`;
  return String(n);
}

// "5m ago", "yesterday": the shared formatter's compact form, for rows and sidebars.
export function age(iso: string | null, now: number, locale = 'en'): string {
  return iso ? relativeTime(iso, now, { style: 'narrow', locale }) : '';
}
// "5 minutes ago": the same formatter in words, for a message or the ticket's opening.
export function ageLong(iso: string | null, now: number, locale = 'en'): string {
  return relativeTime(iso, now, { locale });
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

const SLA_TARGET_TITLES: Record<string, string> = { first_response: 'agent.row.slaFirst', next_response: 'agent.row.slaNext', resolution: 'agent.row.slaResolution' };

// "due in 40m" / "overdue 2h": the ticket's next SLA due time (its policy's soonest running
// target), titled with that target.
export function slaLabel(t: { status: string; slaDueAt: string | null; slaTarget?: string | null }, now: number, locale = 'en'): { text: string; overdue: boolean; title: string } | null {
  if (!t.slaDueAt || !['new', 'open', 'pending'].includes(t.status)) return null;
  const due = Date.parse(t.slaDueAt);
  const span = duration(Math.abs(due - now));
  const title = translate(locale, SLA_TARGET_TITLES[t.slaTarget ?? 'first_response'] ?? 'agent.row.slaTarget');
  return due >= now ? { text: translate(locale, 'agent.row.dueIn', { span }), overdue: false, title } : { text: translate(locale, 'agent.row.overdue', { span }), overdue: true, title };
}

// What one inbox row shows; the template only prints these fields.
// communityInboxId: a web-form ticket in the community's inbox is a community question.
export function toRow(t: Presented, now: number, communityInboxId: number | null = null, locale = 'en') {
  const channel = displayChannel(t.channel, t.inboxId, communityInboxId);
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
    channel,
    channelLabel: channelLabel(channel, locale),
    requesterName: req?.name || translate(locale, 'agent.row.unknownSender'),
    // Second line under the name: their reach where the platform has one, else the channel.
    reach: req?.followers ? translate(locale, 'agent.row.followers', { n: compactNumber(req.followers) }) : channelLabel(channel, locale),
    assigneeName: asg?.name ?? null,
    assigneeInitial: asg?.name?.trim().charAt(0).toUpperCase() ?? '',
    assigneeClass: avatarClass(asg?.id),
    tags: t.tags.slice(0, 3),
    age: age(t.lastActivityAt, now, locale),
    sla: slaLabel(t, now, locale),
    lastActivityAt: t.lastActivityAt,
    automatic: t.automatic,
    snoozed: t.snooze ? translate(locale, t.snooze.untilCustomerAnswers ? 'agent.row.snoozedAnswered' : t.snooze.until && Date.parse(t.snooze.until) > now ? 'agent.row.snoozedWakes' : 'agent.row.snoozed', { span: t.snooze.until ? duration(Date.parse(t.snooze.until) - now) : '' }) : null,
  };
}
