import type { EntityManager } from 'typeorm';
import { countFromGroups, totalOf } from './inbox-sidebar';
import { filtersOf, inboxHref, inboxQuery } from './inbox-query';
import { duration, slaLabel } from './ticket-row';

describe('inbox query', () => {
  it('turns a view and facets into filters, and builds links without paging or defaults', () => {
    const q = inboxQuery.parse({ view: 'mine', tag: 'vip', cursor: 'abc' });
    expect(filtersOf(q, 7)).toEqual({ status: ['new', 'open', 'pending'], assigneeId: 7, automatic: false, snoozed: false, tag: 'vip' });
    expect(inboxHref(q, { sort: 'priority' })).toBe('/inbox?view=mine&tag=vip&sort=priority');
    expect(inboxHref(q, { tag: undefined })).toBe('/inbox?view=mine');
    expect(inboxQuery.safeParse({ view: 'everything' }).success).toBe(false);
    expect(inboxQuery.safeParse({ channel: 'E-mail; DROP' }).success).toBe(false);
  });

  it('counts views from the kept counts, and says when they cannot', () => {
    const g = [
      { status: 'new' as const, assigneeId: null, unassigned: true, inboxId: 1, channel: 'email', teamId: null, automatic: false, snoozed: false, n: 3 },
      { status: 'open' as const, assigneeId: 9, unassigned: false, inboxId: 2, channel: 'x', teamId: 4, automatic: false, snoozed: false, n: 5 },
      { status: 'solved' as const, assigneeId: null, unassigned: true, inboxId: 1, channel: 'email', teamId: 4, automatic: false, snoozed: false, n: 11 },
    ];
    expect(countFromGroups(g, { status: ['new', 'open', 'pending'], assigneeId: null })).toBe(3);
    expect(countFromGroups(g, { status: ['new', 'open'] })).toBe(8);
    expect(countFromGroups(g, { teamId: 4 })).toBe(16);
    expect(countFromGroups(g, { inboxId: 1, channel: 'email' })).toBe(14);
    expect(countFromGroups(g, { tag: 'vip' })).toBeUndefined();
    expect(countFromGroups(g, { assigneeId: 9 })).toBe(5);
    expect(countFromGroups(g, { visibility: 'public' })).toBeUndefined();
  });

  it('leaves automatic tickets out of every view but "Automatic", which counts only them', () => {
    const g = [
      { status: 'new' as const, assigneeId: null, unassigned: true, inboxId: 1, channel: 'email', teamId: null, automatic: false, snoozed: false, n: 3 },
      { status: 'new' as const, assigneeId: null, unassigned: true, inboxId: 1, channel: 'email', teamId: null, automatic: true, snoozed: false, n: 40 },
    ];
    for (const v of ['unassigned', 'open', 'active', 'all', 'pending', 'solved'] as const) {
      expect([v, countFromGroups(g, filtersOf(inboxQuery.parse({ view: v }), 7))]).toEqual([v, v === 'pending' || v === 'solved' ? 0 : 3]);
    }
    expect(countFromGroups(g, filtersOf(inboxQuery.parse({ view: 'automatic' }), 7))).toBe(40);
    expect(filtersOf(inboxQuery.parse({ view: 'mine' }), 7).automatic).toBe(false);
  });

  it('leaves snoozed tickets out of the triage views and facets, and "Snoozed" counts only them', () => {
    const g = [
      { status: 'open' as const, assigneeId: null, unassigned: true, inboxId: 1, channel: 'email', teamId: null, automatic: false, snoozed: false, n: 3 },
      { status: 'open' as const, assigneeId: null, unassigned: true, inboxId: 1, channel: 'email', teamId: null, automatic: false, snoozed: true, n: 20 },
      { status: 'pending' as const, assigneeId: null, unassigned: true, inboxId: 1, channel: 'email', teamId: null, automatic: false, snoozed: true, n: 7 },
    ];
    const count = (v: string) => countFromGroups(g, filtersOf(inboxQuery.parse({ view: v }), 7));
    expect(['unassigned', 'open', 'pending', 'active', 'snoozed', 'all'].map((v) => [v, count(v)])).toEqual([
      ['unassigned', 3], ['open', 3], ['pending', 0], ['active', 3], ['snoozed', 27], ['all', 30],
    ]);
  });

  it('takes a tag facet\'s total from the sidebar\'s tag counts, without a query', async () => {
    const noDb = {} as EntityManager;
    const counts = { groups: [], tags: [{ tag: 'vip', n: 42 }] };
    expect(await totalOf(noDb, counts, { status: ['new', 'open', 'pending'], automatic: false, snoozed: false, tag: 'vip' })).toBe(42);
    expect(await totalOf(noDb, counts, { status: ['new', 'open', 'pending'] })).toBe(0);
  });

  it('labels first-response deadlines', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(duration(45 * 60_000)).toBe('45m');
    expect(duration(90 * 60_000)).toBe('1h 30m');
    expect(duration(26 * 3_600_000)).toBe('26h');
    expect(duration(5 * 86_400_000)).toBe('5d');
    expect(slaLabel({ status: 'open', slaDueAt: '2026-01-01T12:40:00Z' }, now)).toEqual({ text: 'due in 40m', overdue: false, title: 'First-response target' });
    expect(slaLabel({ status: 'new', slaDueAt: '2026-01-01T10:00:00Z' }, now)).toEqual({ text: 'overdue 2h', overdue: true, title: 'First-response target' });
    expect(slaLabel({ status: 'solved', slaDueAt: '2026-01-01T10:00:00Z' }, now)).toBeNull();
  });
});
