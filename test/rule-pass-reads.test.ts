import { saveRule } from '../src/automation/rules/commands/save-rule';
import { ruleInputSchema } from '../src/automation/rules/rule-schema';
import { verifyChains } from '../src/archive/chain/verify-chain';
import { OutboxItem } from '../src/db/entities';
import { automationRuleRepository } from '../src/db/repositories/automation-rule.repository';
import { chainRepository } from '../src/db/repositories/chain.repository';
import { ticketEventRepository } from '../src/db/repositories/ticket-event.repository';
import { DB_KINDS, startTestChorus, type TestChorus } from './helpers/test-chorus';

// A rule pass's opening read also carries, on SQLite, what its commit would read again: the
// stamps of the cached SLA policies and webhooks and the head of the ticket's hash chain. What
// the commit then does must be what reading them at commit does.
describe.each(DB_KINDS)('what a rule pass reads once (%s)', (db) => {
  let t: TestChorus;
  let inboxId: number;
  let n = 0;

  beforeAll(async () => {
    t = await startTestChorus({ db, env: { CHORUS_WORKERS: 'false' } });
    inboxId = (await t.api('POST', '/api/inboxes', { name: 'Desk', channel: 'webform', settings: { slug: 'desk' } })).body.inbox.id;
    await saveRule(t.s, null, ruleInputSchema.parse({ name: 'Tag all', enabled: true, trigger: { type: 'ticket_created' }, conditions: [], actions: [{ type: 'add_tag', tag: 'seen' }] }));
    await saveRule(t.s, null, ruleInputSchema.parse({ name: 'Note all', enabled: true, trigger: { type: 'ticket_created' }, conditions: [], actions: [{ type: 'add_note', text: 'Looked at by a rule.' }, { type: 'set_priority', priority: 'high' }] }));
  });
  afterAll(() => t.stop());

  const ticket = async (): Promise<number> => {
    n++;
    const r = await t.api('POST', '/api/tickets', { inboxId, subject: `Help ${n}`, requester: { email: `c${n}@client.test` } });
    expect(r.status).toBe(201);
    await t.s.bus.drain();
    return r.body.ticket.id;
  };
  // The audiences of the deliveries of webhook `id` about rule changes (ticket.updated) of a ticket.
  const ruleDeliveries = async (id: number, ticketId: number): Promise<string[]> => {
    const items = await t.s.db.m.getRepository(OutboxItem).findBy({ kind: 'webhook' });
    return items.map((i) => i.payload as any)
      .filter((p) => p.webhookId === id && p.body.event === 'ticket.updated' && p.body.data?.ticket?.id === ticketId)
      .map((p) => p.body.webhook.audience);
  };

  it('a webhook changed just before a pass is used as it now is by that pass', async () => {
    const hook = (await t.api('POST', '/api/webhooks', { url: 'https://hooks.example.com/in', events: ['ticket.updated'], audience: 'staff' })).body.webhook;
    const first = await ticket();
    const seen = await ruleDeliveries(hook.id, first);
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set(['staff']));

    expect((await t.api('PATCH', `/api/webhooks/${hook.id}`, { active: false })).status).toBe(200);
    expect(await ruleDeliveries(hook.id, await ticket())).toEqual([]);

    // A plain UPDATE, bypassing the commands, just the same.
    await t.s.db.write((m) => m.query(`UPDATE webhooks SET active = ${db === 'postgres' ? 'true' : '1'}`));
    expect(new Set(await ruleDeliveries(hook.id, await ticket()))).toEqual(new Set(['staff']));
  });

  it('the rules’ changes extend each ticket’s chain unbroken, with every change naming its rule', async () => {
    const ids = [await ticket(), await ticket(), await ticket()];
    expect((await verifyChains(t.s.db.m)).problems).toEqual([]);
    for (const id of ids) {
      const caused = (await ticketEventRepository.listByTicket(t.s.db.m, id)).filter((e) => e.cause).map((e) => [e.type, e.cause!.name]);
      expect(caused).toEqual(expect.arrayContaining([['tag.added', 'Tag all'], ['priority', 'Note all']]));
    }
  });

  it('a chain head read at the start is not trusted once a link was appended after it', async () => {
    const id = await ticket();
    const event = { type: 'tag.added', actor: { type: 'system' as const }, data: { tag: 'by-hand' } };
    await t.s.db.transaction(async (tx) => {
      // The opening read (on SQLite it remembers the head) …
      expect(await automationRuleRepository.passState(tx.m, id, Date.now() - 3_600_000, null)).not.toBeNull();
      // … then a savepoint appends to the chain on its own …
      await t.s.db.within(tx).savepoint((sp) => ticketEventRepository.recordMany(sp.m, id, [event], Date.now()));
      // … and the transaction's own append comes after it.
      await ticketEventRepository.recordMany(tx.m, id, [event], Date.now());
    });
    expect((await verifyChains(t.s.db.m)).problems).toEqual([]);
    const seqs = (await chainRepository.listByTicket(t.s.db.m, id)).map((l) => l.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  // Last: it leaves the webhooks table without its stamp trigger.
  it('a webhooks table that lost a stamp trigger is read afresh by every pass', async () => {
    const hook = (await t.api('POST', '/api/webhooks', { url: 'https://hooks.example.com/lost', events: ['ticket.updated'], audience: 'staff' })).body.webhook;
    expect(new Set(await ruleDeliveries(hook.id, await ticket()))).toEqual(new Set(['staff']));
    await t.s.db.write((m) => m.query(db === 'postgres' ? 'DROP TRIGGER trg_webhooks_version ON webhooks' : 'DROP TRIGGER trg_webhooks_version_update'));
    // Its stamp no longer follows the table: only reading the table shows this change.
    await t.s.db.write((m) => m.query(`UPDATE webhooks SET active = ${db === 'postgres' ? 'false' : '0'} WHERE id = ${Number(hook.id)}`));
    expect(await ruleDeliveries(hook.id, await ticket())).toEqual([]);
  });
});
