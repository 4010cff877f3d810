import { ticketEventRepository } from '../src/db/repositories/ticket-event.repository';
import { AgentClient } from './helpers/agent-client';
import { DB_KINDS, connectSocket, joinTicket, recordEvents, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { WebClient, signInByLink } from './helpers/web-client';

// Tags are staff information unless public: the asker's community topics, or a tag an agent
// marks public. Customer and public surfaces show public tags only.
describe.each(DB_KINDS)('internal and public tags (%s)', (db) => {
  let t: TestChorus;
  beforeAll(async () => {
    t = await startTestChorus({ db });
  });
  afterAll(async () => t.stop());

  it('shows the asker\'s topics and agent-marked tags publicly, never an internal tag', async () => {
    const ann = await signInByLink(t, 'ann-tags@example.com');
    const asked = await ann.form('/community/ask', { title: 'How do I export invoices?', body: 'Need a CSV.', tags: 'export' });
    const id = Number(/\/community\/(\d+)/.exec(asked.location!)![1]);
    const visitor = await connectSocket(t);
    await joinTicket(visitor, id);
    const live = recordEvents(visitor);
    await t.api('POST', `/api/tickets/${id}/tags`, { tag: 'churn-risk' });
    const agent = new AgentClient(t);
    await agent.signIn(t.admin.email, t.admin.password);
    await agent.get(`/tickets/${id}`);
    expect((await agent.post(`/tickets/${id}/tags`, { tag: 'vip-escalation' })).status).toBe(303);
    const marked = await t.api('POST', `/api/tickets/${id}/tags`, { tag: 'billing', public: true });
    expect(marked.body).toEqual({ tags: ['billing', 'churn-risk', 'export', 'vip-escalation'], publicTags: ['billing', 'export'] });

    const anon = new WebClient(t);
    const page = await anon.get(asked.location!);
    const json = await anon.get(`/api/web/tickets/${id}`);
    const list = await anon.get('/community');
    for (const body of [page.html, json.html, list.html]) {
      expect(body).toContain('export');
      expect(body).toContain('billing');
      expect(body).not.toContain('churn-risk');
      expect(body).not.toContain('vip-escalation');
    }
    // An internal tag neither filters nor names the public list.
    expect((await anon.get('/community?tag=churn-risk')).html).not.toContain(`/community/${id}-`);
    expect((await anon.get('/community?tag=billing')).html).toContain(`/community/${id}-`);
    // The agent sees every tag, and which are public.
    const staff = await agent.get(`/tickets/${id}`);
    expect(staff.html).toContain('churn-risk');
    expect(staff.html).toMatch(/billing · public/);

    // Making a tag internal again takes it off the public page, recorded on the ticket.
    expect((await agent.post(`/tickets/${id}/tags`, { tag: 'billing', public: '0' })).status).toBe(303);
    expect((await anon.get(asked.location!)).html).not.toContain('billing');
    expect((await ticketEventRepository.listByTicket(t.s.db.m, id)).map((e) => e.type)).toEqual(expect.arrayContaining(['tag.added', 'tag.made_internal']));
    await t.s.bus.drain();
    await joinTicket(visitor, id);
    expect(JSON.stringify(live.events)).not.toMatch(/churn-risk|vip-escalation/);
    visitor.close();
  });
});
