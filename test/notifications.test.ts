import { createAgent } from '../src/agents/create-agent';
import { seedDemo } from './helpers/seed-demo';
import { startTestChorus, type TestChorus } from './helpers/test-chorus';

// The bell's store: an assignment by someone else notifies the assignee in the same change;
// each agent reads and marks only their own; strangers get nothing.
describe('notifications', () => {
  let t: TestChorus;
  let bo: { id: number; token: string };
  let demo: Awaited<ReturnType<typeof seedDemo>>;
  beforeAll(async () => {
    t = await startTestChorus();
    const a = await createAgent(t.s.db, Date.now(), { email: 'bo@acme.test', name: 'Bo Berg', password: 'bo-password-1', role: 'agent' });
    bo = { id: a.id, token: await t.s.sessions.createApiToken(a.id, 'test') };
    demo = await seedDemo(t);
  });
  afterAll(async () => t?.stop());

  it('notifies the assignee, not the one who assigned, and only the owner reads or marks it', async () => {
    expect((await t.api('PATCH', `/api/tickets/${demo.tickets.sso}`, { assigneeId: bo.id })).status).toBe(200);
    const mine = await t.api('GET', '/api/notifications', undefined, bo.token);
    expect(mine.body).toMatchObject({ unread: 1 });
    expect(mine.body.items[0]).toMatchObject({ kind: 'assigned', ticketId: demo.tickets.sso, read: false });
    expect((await t.api('GET', '/api/notifications')).body.items).toEqual([]);
    const id = mine.body.items[0].id;
    expect((await t.api('POST', `/api/notifications/${id}/read`)).status).toBe(404);
    expect((await t.api('POST', `/api/notifications/${id}/read`, undefined, bo.token)).body.unread).toBe(0);
    expect((await t.api('GET', '/api/notifications', undefined, '')).status).toBe(401);
  });
});
