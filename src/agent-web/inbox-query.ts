import { z } from 'zod';
import { TICKET_STATUSES, type TicketStatus } from '../db/entities';
import type { TicketFilters } from '../db/repositories/ticket.repository';
import { queryText } from '../http/input-text';

// Tickets someone still has to act on.
export const ACTIVE: TicketStatus[] = ['new', 'open', 'pending'];

// Every view but "Automatic" leaves out tickets opened by automatic mail: triage never sees them.
// Snoozed tickets are out of the triage views (and their counts) until they wake; "Snoozed"
// lists them, "All tickets" keeps them.
export const VIEWS = {
  unassigned: { title: 'Unassigned', filters: (_me: number): TicketFilters => ({ status: ACTIVE, assigneeId: null, automatic: false, snoozed: false }) },
  mine: { title: 'Mine', filters: (me: number): TicketFilters => ({ status: ACTIVE, assigneeId: me, automatic: false, snoozed: false }) },
  open: { title: 'All open', filters: (): TicketFilters => ({ status: ['new', 'open'], automatic: false, snoozed: false }) },
  pending: { title: 'Pending', filters: (): TicketFilters => ({ status: ['pending'], automatic: false, snoozed: false }) },
  snoozed: { title: 'Snoozed', filters: (): TicketFilters => ({ snoozed: true, automatic: false }) },
  solved: { title: 'Solved', filters: (): TicketFilters => ({ status: ['solved', 'closed'], automatic: false }) },
  // Bounces, out-of-office replies, list mail and machine notifications, kept and findable.
  automatic: { title: 'Automatic', filters: (): TicketFilters => ({ automatic: true }) },
  // Facet links (an inbox, channel, team or tag) list what is still to do there.
  active: { title: 'To do', filters: (): TicketFilters => ({ status: ACTIVE, automatic: false, snoozed: false }) },
  all: { title: 'All tickets', filters: (): TicketFilters => ({ automatic: false }) },
} as const;
export type ViewName = keyof typeof VIEWS;

// The inbox's query string is its whole state: views, facets and sort are links, saved views
// store it, and the live refresh asks for the same page again.
export const inboxQuery = z.object({
  view: z.enum(Object.keys(VIEWS) as [ViewName, ...ViewName[]]).default('unassigned'),
  inbox: z.coerce.number().int().positive().optional(),
  channel: z.string().max(40).regex(/^[a-z_]+$/, 'channel is a lowercase name such as email').optional(),
  team: z.coerce.number().int().positive().optional(),
  tag: queryText(100).pipe(z.string().min(1)).optional(),
  status: z.enum(TICKET_STATUSES).optional(),
  sort: z.enum(['activity', 'priority', 'sla']).default('activity'),
  cursor: z.string().max(200).optional(),
  page: z.coerce.number().int().min(1).max(1000).default(1),
});
export type InboxQuery = z.infer<typeof inboxQuery>;

export function filtersOf(q: InboxQuery, me: number): TicketFilters {
  const f: TicketFilters = { ...VIEWS[q.view].filters(me) };
  if (q.status) f.status = [q.status];
  if (q.inbox) f.inboxId = q.inbox;
  if (q.channel) f.channel = q.channel;
  if (q.team) f.teamId = q.team;
  if (q.tag) f.tag = q.tag;
  return f;
}

// Builds an inbox link from the current query with some keys changed (undefined drops a key).
export function inboxHref(q: Partial<InboxQuery>, change: Partial<Record<keyof InboxQuery, string | number | undefined>>): string {
  const merged: Record<string, unknown> = { ...q, ...change };
  if (!('cursor' in change)) delete merged.cursor;
  if (!('page' in change)) delete merged.page;
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(merged)) {
    if (v === undefined || v === null || v === '') continue;
    if (k === 'sort' && v === 'activity') continue;
    if (k === 'page' && v === 1) continue;
    p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `/inbox?${s}` : '/inbox';
}
