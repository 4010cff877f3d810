import type { EntityManager } from 'typeorm';
import type { Message, Ticket, TicketEvent } from '../db/entities';
import { agentRepository } from '../db/repositories/agent.repository';
import { cannedResponseRepository } from '../db/repositories/canned-response.repository';
import { contactRepository } from '../db/repositories/contact.repository';
import { inboxRepository } from '../db/repositories/inbox.repository';
import { legalHoldRepository } from '../db/repositories/legal-hold.repository';
import { messageRepository } from '../db/repositories/message.repository';
import { ticketEventRepository } from '../db/repositories/ticket-event.repository';
import { ticketRepository } from '../db/repositories/ticket.repository';
import { macroRepository } from '../db/repositories/macro.repository';
import { describeAction } from '../automation/macros/macro.presenter';
import { presentMessages } from '../http/presenters/message.presenter';
import { describeCause } from '../automation/actions/describe-cause';
import type { AgentViewer } from './agent-page';
import { SNOOZE_CHOICES, SNOOZE_LABELS } from '../automation/snooze/snooze-time';
import { autoCloseText } from '../tickets/commands/close-solved-ticket';
import { WAKE_TEXT, type WakeReason } from '../tickets/commands/wake-ticket';
import { csatPanel } from '../csat/csat-surfaces';
import { csatEventText } from '../csat/csat-events';
import { isCommunityForm } from '../community/community-form';
import { channelSvg } from './channel-icons';
import { age, ageLong, audienceLabel, audienceLabels, avatarClass, channelLabel, channelLabels, CHANNELS, compactNumber, slaLabel } from './ticket-row';
import { translate } from '../i18n/i18n';
import { reportText } from '../reports/report-text';

// Why a message joined its ticket (locales/<lang>/agent.json, "thread").
const RULES: Record<string, string> = {
  new: 'new', 'in-reply-to': 'inReplyTo', references: 'references', 'reply-token': 'replyToken', 'subject-number': 'subjectNumber',
  'social-conversation': 'social', 'follow-up': 'followUp', bounce: 'bounce', 'thread-key': 'threadKey', automation: 'automation',
};
const UNDOABLE = new Set(['merged', 'split']);

// A snooze time on the page and in the history: minutes, in UTC (the page script shows local time).
export const whenText = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

type Presented = Awaited<ReturnType<typeof presentMessages>>[number] & { deliveryState?: string | null; deliveryError?: string | null; flags?: Record<string, any> | null; threadLink?: { rule: string; evidence: string | null } | null };
// A reply that answered our mail from an address not yet on the contact: the agent may add it.
export type AddressOffer = { address: string; contactName: string };

const SOURCE_KEYS: Record<string, string> = { sender: 'sender', 'reply-to': 'replyTo', envelope: 'envelope', 'from (first of several)': 'firstFrom' };

// When the author could not be read from From, say where it came from and why.
export function authorSourceText(flags: Record<string, any> | null | undefined, locale = 'en'): string | null {
  const src = flags?.authorSource as { source?: string; reason?: string | null } | undefined;
  if (!src?.source || src.source === 'from' || src.source === 'x-original-sender') return null;
  // The reason is the parser's own (English) explanation; the sentence around it is the agent's language.
  if (src.source === 'none') return translate(locale, src.reason ? 'agent.ticket.noSenderBecause' : 'agent.ticket.noSender', { reason: src.reason });
  const from = SOURCE_KEYS[src.source] ? translate(locale, `agent.ticket.source.${SOURCE_KEYS[src.source]}`) : src.source;
  return translate(locale, src.reason ? 'agent.ticket.authorFromBecause' : 'agent.ticket.authorFrom', { from, reason: src.reason });
}

// The composer warns when the person last heard from wrote from a no-reply address.
export function noReplyWarning(messages: Presented[], locale = 'en'): string | null {
  const last = [...messages].reverse().find((x) => x.direction === 'inbound' && x.author.type === 'contact');
  const address = last?.flags?.noReplySender;
  return typeof address === 'string' ? translate(locale, 'agent.ticket.noReply', { address }) : null;
}

export function messageView(p: Presented, now: number, offer?: AddressOffer, opts: { community?: boolean; acceptedId?: number | null; locale?: string } = {}) {
  const locale = opts.locale ?? 'en';
  const channel = opts.community && p.channel === 'webform' ? 'community' : p.channel;
  const quoted = p.fullText && p.fullText.trim() !== p.text.trim() ? p.fullText : null;
  return {
    id: p.id,
    authorName: p.author.name,
    authorInitial: (p.author.name || '?').trim().charAt(0).toUpperCase(),
    authorClass: avatarClass(p.author.id),
    isAgent: p.author.type === 'agent',
    audience: p.audience,
    audienceLabel: audienceLabel(p.audience, locale),
    isNote: p.audience === 'staff',
    channel,
    channelLabel: channelLabel(channel, locale),
    accepted: opts.acceptedId != null && opts.acceptedId === p.id,
    direction: p.direction,
    out: p.direction === 'outbound',
    html: p.html,
    text: p.text,
    quoted,
    hidden: p.hidden && !p.withdrawn,
    withdrawn: p.withdrawn,
    reactions: p.reactions,
    createdAt: p.createdAt,
    age: ageLong(p.createdAt, now, locale),
    deliveryState: p.direction === 'outbound' ? p.deliveryState ?? null : null,
    deliveryError: p.deliveryError ?? null,
    attachments: p.attachments.filter((a) => !a.inline),
    addAddress: offer ?? null,
    // The loop-guard reason when this is automatic mail (a bounce, an auto-reply, list mail).
    automatic: p.flags?.noise && !p.flags.noise.echo ? String(p.flags.noise.reason ?? 'automatic mail') : null,
    authorSource: authorSourceText(p.flags, locale),
    why: p.threadLink ? { rule: p.threadLink.rule, text: RULES[p.threadLink.rule] ? translate(locale, `agent.thread.${RULES[p.threadLink.rule]}`) : p.threadLink.rule, evidence: p.threadLink.evidence } : null,
    cause: describeCause(p.flags?.cause),
  };
}

function hostOf(url: unknown): string {
  try {
    return new URL(String(url)).host;
  } catch {
    return String(url);
  }
}

const SLA_TARGET_NAMES: Record<string, string> = { first_response: 'first response', next_response: 'next response', resolution: 'resolution' };

// A history line in the agent's language (locales/<lang>/agent.json, "event"); the rarer ones
// (redaction, reactions, listening, CSAT, SLA pauses, restoring automatic mail) are still English.
function describeEvent(e: TicketEvent, agentNames: Map<number, string>, locale = 'en'): string {
  const d = (e.data ?? {}) as Record<string, any>;
  const ev = (key: string, values: Record<string, unknown> = {}) => translate(locale, `agent.event.${key}`, values);
  const name = (id: unknown) => (typeof id === 'number' ? agentNames.get(id) ?? ev('agentN', { id }) : ev('nobody'));
  const word = (area: string, v: unknown) => translate(locale, `agent.${area}.${String(v)}`, { defaultValue: String(v) });
  const target = (x: string) => translate(locale, `agent.notice.target.${x}`, { defaultValue: x });
  const due = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  switch (e.type) {
    case 'created': return `${d.followUpOf ? ev('createdFollowUp', { id: d.followUpOf }) : ev('created')}${d.forwardedBy ? ev('forwardedBy', { by: d.forwardedBy }) : ''}`;
    case 'status': return d.cause?.kind === 'auto-close' ? ev('autoClosed', { text: autoCloseText(d.cause.days) }) : `${ev('status', { from: word('status', d.from), to: word('status', d.to) })}${d.reason ? ` (${d.reason})` : ''}`;
    case 'snoozed': return d.until === null ? ev('snoozedAnswer') : ev('snoozedUntil', { when: whenText(d.until) });
    case 'unsnoozed': return d.reason ? ev('unsnoozedReason', { reason: d.reason }) : ev('unsnoozedEarly');
    case 'woke': return ev('woke', { reason: d.reason === 'time' ? translate(locale, 'agent.js.wokeTime') : d.reason === 'customer' ? translate(locale, 'agent.js.wokeCustomer') : WAKE_TEXT[d.reason as WakeReason] ?? d.reason });
    case 'contact.merged': return ev('contactMerged', { name: d.fromName, from: d.from, into: d.into });
    case 'contact.address_added': return ev('addressAdded', { address: d.address, name: d.intoName });
    case 'priority': return ev('priority', { from: word('priority', d.from), to: word('priority', d.to) });
    case 'assigned': return ev('assigned', { name: name(d.to) });
    case 'unassigned': return ev('unassigned');
    case 'team': return d.to ? ev('teamChanged') : ev('teamRemoved');
    case 'tag.added': return ev('tagAdded', { tag: d.tag });
    case 'tag.removed': return ev('tagRemoved', { tag: d.tag });
    case 'tag.made_public': return ev('tagPublic', { tag: d.tag });
    case 'tag.made_internal': return ev('tagInternal', { tag: d.tag });
    case 'merged': return ev('merged', { id: d.sourceId, n: (d.messageIds ?? []).length });
    case 'merged_into': return ev('mergedInto', { id: d.targetId });
    case 'merge_undone': return ev('mergeUndone', { id: d.sourceId });
    case 'split': return ev('split', { n: (d.messageIds ?? []).length, id: d.newTicketId });
    case 'split_from': return ev('splitFrom', { id: d.sourceId });
    case 'split_undone': return ev('splitUndone', { id: d.newTicketId });
    case 'mentioned': return ev('mentioned', { name: name(d.agentId) });
    case 'audience': return ev('audience', { from: d.from, to: d.to });
    case 'accepted': return ev('accepted');
    case 'restored': return `Restored to the inbox (had been automatic: ${d.automatic})${d.reason ? `, ${d.reason}` : ''}`;
    case 'contact.erased': return ev('contactErased', { id: d.contactId });
    case 'message.redacted': return `Message ${d.messageId} redacted: ${d.replaced} passage(s) removed${d.rawRebuilt ? ', the original mail rebuilt without them' : ''}${d.copies ? `, ${d.copies} stored cop${d.copies === 1 ? 'y' : 'ies'} cleaned` : ''}${d.reason ? ` (${d.reason})` : ''}`;
    case 'hold.placed': return ev('holdPlaced', { reason: d.reason });
    case 'retention.anonymised': return ev('anonymised', { messages: d.messages, attachments: d.attachments });
    case 'retention.attachments': return ev('retentionAttachments', { messages: d.messages, attachments: d.attachments });
    case 'hold.released': return ev('holdReleased', { reason: d.reason });
    case 'message.masked': return ev('masked', { id: d.messageId, n: d.masked });
    case 'message.withdrawn': return ev('withdrawn', { id: d.messageId, channel: d.channel });
    case 'reaction': return d.emoji ? `${d.by} reacted ${d.emoji} to message ${d.messageId}` : `${d.by} removed their reaction ${d.previous ?? ''} from message ${d.messageId}`.replace('  ', ' ');
    case 'listened': return listenedText(d, name, e.actorType === 'agent' ? e.actorId : null);
    case 'social.event': return `${d.detail} (${d.channel})`;
    case 'agents.notified': return ev('notified', { names: (d.agentIds ?? []).map(name).join(', ') });
    case 'webhook.called': return ev('webhook', { host: hostOf(d.url) });
    case 'automation.limited': return ev('limited', { reason: d.reason ?? ev('limitedDefault') });
    case 'csat.requested': case 'csat.skipped': case 'csat.rated': case 'csat.changed': case 'csat.commented': return csatEventText(e.type, d);
    case 'sla.warning': return ev('slaWarning', { target: target(d.target), due: due(d.dueAt), policy: d.policyName });
    case 'sla.breached': return ev('slaBreached', { target: target(d.target), due: due(d.dueAt), policy: d.policyName });
    case 'sla.paused': return `SLA clock paused while snoozed${slaDueText(d.due, 'was due')}`;
    case 'sla.resumed': return `SLA clock resumed: snooze ended${typeof d.pausedMs === 'number' ? ` after ${pausedText(d.pausedMs)} paused` : ''}${slaDueText(d.due, 'now due')}${(d.rearmed ?? []).length ? `; the warning will be given again for the new due time` : ''}`;
    default: return e.type.replace(/_/g, ' ');
  }
}

// "Why is this here?": the listening stream(s) and query that found the post, and who made it a ticket.
export function listenedText(d: Record<string, any>, name: (id: unknown) => string, actorId?: number | null): string {
  const found = ((d.streams ?? []) as { name: string | null; query: string }[]).map((x) => `stream “${x.name ?? 'deleted'}” (query: ${x.query})`).join(' and ');
  // A rule's name reads after "by": "stream “Brand”'s rule: reach ≥ 10,000".
  const by = d.by === 'rule' ? `by ${d.rule}` : `by ${name(actorId ?? d.agentId)}`;
  return `From social listening: found by ${found || 'a listening stream'}; made a ticket ${by}`;
}

const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
function slaDueText(due: { target: string; dueAt: number | null }[] | undefined, verb: string): string {
  const with_ = (due ?? []).filter((x) => x.dueAt !== null);
  return with_.length ? ` (${with_.map((x) => `${SLA_TARGET_NAMES[x.target] ?? x.target} ${verb} ${utc(x.dueAt!)}`).join(', ')})` : '';
}
function pausedText(ms: number): string {
  const min = Math.round(ms / 60_000);
  return min < 60 ? `${min} min` : min % 60 ? `${Math.floor(min / 60)} h ${min % 60} min` : `${min / 60} h`;
}

// Everything the ticket page shows, loaded in a handful of queries; its words in the agent's `locale`.
export async function loadTicketPage(m: EntityManager, viewer: AgentViewer, t: Ticket, now: number, locale = 'en') {
  const [messages, events, participants, agents, teams, canned, inbox, tags, macros] = await Promise.all([
    messageRepository.listByTicket(m, t.id), ticketEventRepository.listByTicket(m, t.id), ticketRepository.participants(m, t.id),
    agentRepository.list(m), agentRepository.listTeams(m), cannedResponseRepository.list(m), inboxRepository.findById(m, t.inboxId),
    ticketRepository.tagDetailsOf(m, [t.id]), macroRepository.list(m),
  ]);
  const csat = await csatPanel(m, t.id, locale);
  // Holds on the ticket, its requester or its inbox: nothing deletes it while one applies.
  const holds = await legalHoldRepository.activeFor(m, { ticketIds: [t.id], contactIds: [t.requesterId], inboxIds: [t.inboxId] });
  const macroNames = { agents: new Map(agents.map((a) => [a.id, a.name])), teams: new Map(teams.map((x) => [x.id, x.name])), canned: new Map(canned.map((c) => [c.id, c.title])) };
  const presented = (await presentMessages(m, viewer, messages)) as Presented[];
  const offers = await addressOffers(m, messages);
  const contactIds = [...new Set([t.requesterId, ...participants.map((p) => p.contactId)])];
  const [contacts, identities, otherIds] = await Promise.all([
    contactRepository.findByIds(m, contactIds), contactRepository.identitiesOf(m, [t.requesterId]), ticketRepository.ticketIdsOfContact(m, t.requesterId),
  ]);
  const history = await ticketRepository.list(m, { ids: [...new Set([...otherIds, t.id])] }, 25);
  const requester = contacts.find((c) => c.id === t.requesterId);
  const reach = identities.reduce((n, i) => n + (i.followers ?? 0), 0);
  const agentNames = new Map(agents.map((a) => [a.id, a.name]));
  const undoneIds = new Set(events.filter((e) => e.type.endsWith('_undone')).map((e) => (e.data as { eventId?: number } | null)?.eventId));
  const lastSeenMessageId = messages.reduce((n, x) => Math.max(n, x.id), 0);
  // A community question comes through the community's web-form inbox: it is labelled as such.
  const community = !!inbox && isCommunityForm(inbox);
  const channel = community && t.channel === 'webform' ? 'community' : t.channel;
  const active = agents.filter((a) => a.active).map((a) => ({ id: a.id, name: a.name, handle: a.email.split('@')[0] }));
  return {
    ticket: {
      id: t.id, subject: t.subject, status: t.status, priority: t.priority, visibility: t.visibility, channel,
      channelLabel: channelLabel(channel, locale), acceptedMessageId: t.acceptedMessageId, assigneeId: t.assigneeId, teamId: t.teamId,
      inboxName: inbox?.name ?? `Inbox ${t.inboxId}`, tags: (tags.get(t.id) ?? []).map((x) => x.tag), tagItems: tags.get(t.id) ?? [], isPublic: t.visibility === 'public', closed: t.status === 'closed', closedReopens: inbox?.closedReplies === 'reopen', followUpDays: inbox?.followUpDays ?? 30,
      followUpOfId: t.followUpOfId, automatic: t.automatic, createdAge: ageLong(new Date(t.createdAt).toISOString(), now, locale), createdAt: new Date(t.createdAt).toISOString(),
      sla: slaLabel({ status: t.status, slaDueAt: t.slaDueAt ? new Date(t.slaDueAt).toISOString() : null, slaTarget: t.slaTarget }, now, locale),
      snooze: t.snoozed ? { untilCustomerAnswers: t.snoozed === 'reply', until: t.snoozedUntil ? new Date(t.snoozedUntil).toISOString() : null, text: t.snoozedUntil ? whenText(t.snoozedUntil) : null } : null,
      snoozable: ['new', 'open', 'pending'].includes(t.status),
    },
    holds: holds.map((h) => ({ id: h.id, on: h.scope === 'ticket' ? '' : translate(locale, h.scope === 'contact' ? 'agent.ticket.holdRequester' : 'agent.ticket.holdInbox'), since: new Date(h.createdAt).toISOString(), sinceText: utc(h.createdAt), reason: h.reason })),
    snoozeChoices: SNOOZE_CHOICES.map((c) => ({ value: c, label: translate(locale, `agent.snooze.${c}`, { defaultValue: SNOOZE_LABELS[c] }) })),
    messages: presented.map((p) => messageView(p, now, offers.get(p.id), { community, acceptedId: t.acceptedMessageId, locale })),
    noReplyWarning: noReplyWarning(presented, locale),
    csat,
    lastSeenMessageId,
    requester: {
      id: requester?.id, name: requester?.name || translate(locale, 'agent.row.unknownSender'), initial: (requester?.name || '?').trim().charAt(0).toUpperCase(), avatarClass: avatarClass(requester?.id),
      reputation: requester?.reputation ?? 0, reach: reach ? compactNumber(reach) : null,
      identities: identities.map((i) => ({ kind: i.kind, label: channelLabel(i.kind, locale), value: i.handle ? `@${i.handle.replace(/^@/, '')}` : i.value, followers: i.followers ? compactNumber(i.followers) : null, verified: i.verified })),
    },
    participants: contacts.filter((c) => c.id !== t.requesterId).map((c) => ({ id: c.id, name: c.name })),
    history: history.map((h) => ({ id: h.id, subject: h.subject, status: h.status, current: h.id === t.id, age: age(new Date(h.lastActivityAt).toISOString(), now, locale) })),
    agents: active.map((a) => ({ ...a, selected: a.id === t.assigneeId })),
    // What the page script needs to render live messages and mentions like the server does.
    clientData: {
      agents: active,
      channels: channelLabels(locale),
      icons: Object.fromEntries(Object.keys(CHANNELS).map((k) => [k, channelSvg(k)])),
      // Live messages on a community question arrive as web-form posts: shown as community.
      channelAs: community ? { webform: 'community' } : {},
      audiences: audienceLabels(locale),
      directions: Object.fromEntries(['inbound', 'outbound', 'internal'].map((d) => [d, translate(locale, `agent.direction.${d}`)])),
      deliveries: Object.fromEntries(['queued', 'sent', 'failed', 'delivered', 'read'].map((d) => [d, translate(locale, `agent.delivery.${d}`)])),
    },
    teams: teams.map((x) => ({ id: x.id, name: x.name, selected: x.id === t.teamId })),
    canned: canned.map((c) => ({ id: c.id, title: c.title })),
    macros: macros.map((x) => ({ id: x.id, name: x.name, summary: x.actions.map((a) => describeAction(a, macroNames, reportText(locale))).join(' · ') })),
    // "Why is this here?": a ticket made from a listened post names the stream, query and who.
    listened: events.filter((e) => e.type === 'listened').map((e) => ({ text: describeEvent(e, agentNames, locale), url: typeof e.data?.url === 'string' && /^https?:\/\//.test(e.data.url) ? e.data.url : null })),
    events: events.map((e) => ({
      id: e.id, text: describeEvent(e, agentNames, locale), age: age(new Date(e.createdAt).toISOString(), now, locale),
      by: e.actorType === 'agent' && e.actorId ? agentNames.get(e.actorId) : e.actorType === 'system' && !e.cause ? 'Chorus' : null,
      // "by rule VIP reach": the rule or macro behind an automatic change.
      cause: describeCause(e.cause),
      undoable: UNDOABLE.has(e.type) && !undoneIds.has(e.id),
    })).reverse(),
  };
}

// Messages threaded by our Message-ID from an address the contact they answered does not have
// yet (flagged at ingest), while the address is still a contact of its own.
async function addressOffers(m: EntityManager, messages: Message[]): Promise<Map<number, AddressOffer>> {
  const flagged = messages.filter((x) => typeof x.flags?.otherAddressOf === 'number' && x.authorContactId && x.authorContactId !== x.flags.otherAddressOf);
  const out = new Map<number, AddressOffer>();
  if (!flagged.length) return out;
  const authorIds = flagged.map((x) => x.authorContactId!);
  const [contacts, identities] = await Promise.all([
    contactRepository.findByIds(m, [...authorIds, ...flagged.map((x) => x.flags!.otherAddressOf as number)]), contactRepository.identitiesOf(m, authorIds),
  ]);
  for (const x of flagged) {
    const into = contacts.find((c) => c.id === x.flags!.otherAddressOf);
    const from = contacts.find((c) => c.id === x.authorContactId);
    const own = identities.filter((i) => i.contactId === x.authorContactId);
    if (!into || into.mergedIntoId || !from || from.mergedIntoId || own.length !== 1 || own[0].kind !== 'email') continue;
    out.set(x.id, { address: own[0].value, contactName: into.name });
  }
  return out;
}
