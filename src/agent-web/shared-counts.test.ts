import type { EntityManager } from 'typeorm';
import { ticketCountRepository } from '../db/repositories/ticket-count.repository';
import { EventBus } from '../events/bus';
import { SharedCounts } from './shared-counts';

describe('SharedCounts', () => {
  let clock = 0;
  const m = {} as EntityManager;
  let groups: jest.SpyInstance;
  beforeEach(() => {
    clock = 1_000;
    groups = jest.spyOn(ticketCountRepository, 'groups').mockImplementation(async () => [{ status: 'new', assigneeId: null, unassigned: true, inboxId: 1, channel: 'email', teamId: null, automatic: false, snoozed: false, n: groups.mock.calls.length }]);
    jest.spyOn(ticketCountRepository, 'topTags').mockResolvedValue([]);
  });
  afterEach(() => jest.restoreAllMocks());

  it('computes once for many readers, again after a ticket changes, and after max age', async () => {
    const bus = new EventBus();
    const counts = new SharedCounts(bus, 3000, () => clock);
    const [a, b] = await Promise.all([counts.get(m), counts.get(m)]);
    expect(a).toBe(b);
    expect(groups).toHaveBeenCalledTimes(1);
    await counts.get(m);
    expect(groups).toHaveBeenCalledTimes(1);

    bus.publish([{ name: 'ticket.updated', payload: { ticketId: 1, changes: ['status'] } }]);
    expect((await counts.get(m)).groups[0].n).toBe(2);
    expect(groups).toHaveBeenCalledTimes(2);

    clock += 3001;
    await counts.get(m);
    expect(groups).toHaveBeenCalledTimes(3);
  });

  it('when the pass is slow, pages get the previous counts at once and are told when fresher ones are ready', async () => {
    const bus = new EventBus();
    const told: unknown[] = [];
    bus.on('inbox.counts', (e) => void told.push(e));
    const counts = new SharedCounts(bus, 60_000, () => clock, -1);
    const first = await counts.get(m);
    expect(first.groups[0].n).toBe(1);
    expect(told).toEqual([]);

    bus.publish([{ name: 'ticket.updated', payload: { ticketId: 1, changes: ['status'] } }]);
    const stale = await Promise.all([counts.get(m), counts.get(m)]);
    expect(stale.map((v) => v.groups[0].n)).toEqual([1, 1]);
    await new Promise((r) => setImmediate(r));
    expect(told).toHaveLength(1);
    expect(groups).toHaveBeenCalledTimes(2);
    expect((await counts.get(m)).groups[0].n).toBe(2);
  });

  it('a change during a computation is not lost; a failed computation is retried', async () => {
    const bus = new EventBus();
    const counts = new SharedCounts(bus, 60_000, () => clock);
    const first = counts.get(m);
    bus.publish([{ name: 'ticket.created', payload: { ticketId: 2 } }]);
    await first;
    await counts.get(m);
    expect(groups).toHaveBeenCalledTimes(2);

    bus.publish([{ name: 'ticket.created', payload: { ticketId: 3 } }]);
    groups.mockRejectedValueOnce(new Error('database is locked'));
    await expect(counts.get(m)).rejects.toThrow('database is locked');
    await counts.get(m);
    expect(groups).toHaveBeenCalledTimes(4);
  });
});
