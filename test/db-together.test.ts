import { verifyChains } from '../src/archive/chain/verify-chain';
import type { InboundMessage } from '../src/channels/inbound-message';
import { ticketEventRepository } from '../src/db/repositories/ticket-event.repository';
import { ticketRepository } from '../src/db/repositories/ticket.repository';
import type { Db } from '../src/db/transaction';
import { createInbox } from '../src/inboxes/create-inbox';
import { ANONYMOUS } from '../src/policies/viewer';
import { addTag } from '../src/tickets/commands/add-tag';
import { changePriority } from '../src/tickets/commands/change-priority';
import { DB_KINDS, jsonChannelModule, startTestChorus, type TestChorus } from './helpers/test-chorus';

const RAW = 'test.together';

// db.together: the rule engine's one transaction for all of a ticket's automatic changes.
describe.each(DB_KINDS)('db.together (%s)', (db) => {
  let t: TestChorus;
  let inbox: Awaited<ReturnType<typeof createInbox>>;
  let n = 0;
  const updates: { ticketId: number; changes: string[] }[] = [];
  const newTicket = async () => {
    const r = await t.s.ingest.ingest(inbox, [{ key: `g${++n}`, raw: JSON.stringify({ channel: 'email', subject: 'Help', text: 'hello', author: { kind: 'email', value: `p${n}@x.test` } } satisfies Partial<InboundMessage>), rawType: RAW }]);
    await t.s.bus.drain();
    updates.length = 0;
    return r[0].ticketId!;
  };
  const tagsOf = async (id: number) => (await ticketRepository.tagsOf(t.s.db.m, [id])).get(id) ?? [];
  const commands = (joined: Db) => ({ ...t.s.commands, db: joined, cause: { kind: 'rule' as const, id: 1, name: 'Test rule' } });

  beforeAll(async () => {
    const { modules } = await import('../src/modules');
    t = await startTestChorus({ db, modules: [...modules, jsonChannelModule(RAW) as never], env: { CHORUS_WORKERS: 'false' } });
    inbox = await createInbox(t.s.db, Date.now(), { name: 'Support', channel: 'email', address: 'support@acme.test' });
    t.s.bus.on('ticket.updated', (e) => void updates.push({ ticketId: e.ticketId, changes: e.changes }));
  });
  afterAll(async () => t.stop());

  it('commits several commands as one transaction, their events published after it', async () => {
    const id = await newTicket();
    let attempts = 0;
    await t.s.db.together(async (joined) => {
      attempts++;
      await addTag(commands(joined), ANONYMOUS, id, 'first');
      await changePriority(commands(joined), ANONYMOUS, id, 'high');
      // Nothing is out before the commit.
      expect(updates).toEqual([]);
    });
    expect(attempts).toBe(1);
    expect(await tagsOf(id)).toEqual(['first']);
    expect((await ticketRepository.findById(t.s.db.m, id))!.priority).toBe('high');
    expect(updates.map((u) => u.changes)).toEqual([['tags'], ['priority']]);
    const events = (await ticketEventRepository.listByTicket(t.s.db.m, id)).filter((e) => e.cause);
    expect(events.map((e) => [e.type, e.cause!.name])).toEqual([['tag.added', 'Test rule'], ['priority', 'Test rule']]);
    expect((await verifyChains(t.s.db.m)).problems).toEqual([]);
  });

  it('when one change throws, runs again with each change a savepoint: that one rolls back alone, its events dropped', async () => {
    const id = await newTicket();
    let attempts = 0;
    await t.s.db.together(async (joined) => {
      attempts++;
      await addTag(commands(joined), ANONYMOUS, id, 'kept');
      await expect(joined.transaction(async (tx) => {
        await ticketRepository.addTag(tx.m, id, 'dropped');
        await ticketEventRepository.record(tx.m, id, 'tag.added', { type: 'system' }, { tag: 'dropped' }, Date.now());
        tx.emit('ticket.updated', { ticketId: id, changes: ['dropped'] });
        throw new Error('this step fails');
      })).rejects.toThrow('this step fails');
      await changePriority(commands(joined), ANONYMOUS, id, 'urgent');
    });
    expect(attempts).toBe(2);
    expect(await tagsOf(id)).toEqual(['kept']);
    expect((await ticketRepository.findById(t.s.db.m, id))!.priority).toBe('urgent');
    expect(updates.map((u) => u.changes)).toEqual([['tags'], ['priority']]);
    expect((await ticketEventRepository.listByTicket(t.s.db.m, id)).filter((e) => e.type === 'tag.added').map((e) => e.data?.tag)).toEqual(['kept']);
    // The failed step's event never became a link of the ticket's chain.
    expect((await verifyChains(t.s.db.m)).problems).toEqual([]);
  });

  it('a failure outside any joined change rolls everything back', async () => {
    const id = await newTicket();
    await expect(t.s.db.together(async (joined) => {
      await addTag(commands(joined), ANONYMOUS, id, 'never');
      throw new Error('the pass itself fails');
    })).rejects.toThrow('the pass itself fails');
    expect(await tagsOf(id)).toEqual([]);
    expect(updates).toEqual([]);
  });
});
