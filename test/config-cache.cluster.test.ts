import { createSlaPolicy } from '../src/automation/sla/save-sla-policy';
import { OutboxItem, Ticket } from '../src/db/entities';
import { DB_KINDS, startTwoNodes, type TestChorus } from './helpers/test-chorus';

// SLA policies and webhooks are read on every ticket change, and each node keeps a copy checked
// against the table's stamp (set by triggers in the writing transaction). Two nodes on one
// store: a change made on one — through its command or by a plain UPDATE — is what the other
// uses for the very next ticket, with no window in which the old copy is used.
describe.each(DB_KINDS)('cached SLA policies and webhooks on two nodes (%s)', (db) => {
  let a: TestChorus;
  let b: TestChorus;
  let drop = async () => {};
  let inboxId: number;
  let n = 0;

  beforeAll(async () => {
    ({ a, b, drop } = await startTwoNodes(db, { env: { CHORUS_WORKERS: 'false' } }));
    inboxId = (await a.api('POST', '/api/inboxes', { name: 'Desk', channel: 'webform', settings: { slug: 'desk' } })).body.inbox.id;
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await drop();
  });

  // A ticket opened on node b; returns its id once b's commit hooks ran.
  const ticketOnB = async (): Promise<number> => {
    n++;
    const r = await b.api('POST', '/api/tickets', { inboxId, subject: `Help ${n}`, requester: { email: `c${n}@client.test` } });
    expect(r.status).toBe(201);
    await b.s.bus.drain();
    return r.body.ticket.id;
  };
  // The audiences of the deliveries queued for webhook `id` about ticket `ticketId`.
  const deliveries = async (id: number, ticketId: number): Promise<string[]> => {
    const items = await a.s.db.m.getRepository(OutboxItem).findBy({ kind: 'webhook' });
    return items.map((i) => i.payload as any).filter((p) => p.webhookId === id && p.body.data?.ticket?.id === ticketId).map((p) => p.body.webhook.audience);
  };

  it('a webhook changed on one node is used as it now is by the other, at once', async () => {
    const hook = (await a.api('POST', '/api/webhooks', { url: 'https://hooks.example.com/in', events: ['ticket.created'], audience: 'staff' })).body.webhook;
    const first = await ticketOnB();
    expect(await deliveries(hook.id, first)).toEqual(['staff']);

    expect((await a.api('PATCH', `/api/webhooks/${hook.id}`, { audience: 'participants' })).status).toBe(200);
    const second = await ticketOnB();
    expect(await deliveries(hook.id, second)).toEqual(['participants']);

    expect((await a.api('PATCH', `/api/webhooks/${hook.id}`, { active: false })).status).toBe(200);
    const third = await ticketOnB();
    expect(await deliveries(hook.id, third)).toEqual([]);

    // A write that bypasses the commands (a hand-edit, an import) is seen just the same.
    await a.s.db.write((m) => m.query(`UPDATE webhooks SET active = ${db === 'postgres' ? 'true' : '1'}, audience = 'staff'`));
    const fourth = await ticketOnB();
    expect(await deliveries(hook.id, fourth)).toEqual(['staff']);
  });

  it('an SLA policy made on one node applies to the next ticket the other opens', async () => {
    const before = await ticketOnB();
    expect((await b.s.db.m.getRepository(Ticket).findOneByOrFail({ id: before })).slaDueAt).toBeNull();
    await createSlaPolicy(a.s.db, Date.now(), { name: 'Desk 30m', conditions: { inboxIds: [inboxId] }, firstResponseMinutes: 30, warnBeforeMinutes: 0, businessHours: false });
    const after = await ticketOnB();
    const t = await b.s.db.m.getRepository(Ticket).findOneByOrFail({ id: after });
    expect(t.slaDueAt).not.toBeNull();
    expect(t.slaTarget).toBe('first_response');
  });
});
