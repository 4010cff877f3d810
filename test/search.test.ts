import { DB_KINDS, apiInbox, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';

describe.each(DB_KINDS)('full-text search (%s)', (db) => {
  let t: TestChorus;
  beforeAll(async () => {
    t = await startTestChorus({ db });
  });
  afterAll(async () => t.stop());

  it('finds messages for agents, only public posts of public threads for everyone else', async () => {
    const inbox = await apiInbox(t);
    const pub = await postSigned(t, inbox, { externalId: 's1', threadKey: 'p', author: { id: 'a' }, text: 'My flux capacitor is leaking', audience: 'public' });
    const priv = await postSigned(t, inbox, { externalId: 's2', threadKey: 'q', author: { id: 'b' }, text: 'Private flux question about billing' });
    await t.api('POST', `/api/tickets/${pub.body.ticketId}/notes`, { text: 'flux secret: refund approved' });

    const agent = await t.api('GET', '/api/search?q=flux');
    expect(agent.body.results.map((r: any) => r.messageId).length).toBe(3);
    const prefix = await t.api('GET', '/api/search?q=capaci');
    expect(prefix.body.results.map((r: any) => r.ticketId)).toEqual([pub.body.ticketId]);

    const anon = await t.api('GET', '/api/search?q=flux', undefined, '');
    expect(anon.status).toBe(200);
    expect(anon.body.results.map((r: any) => r.messageId)).toEqual([pub.body.messageId]);
    expect(JSON.stringify(anon.body)).not.toMatch(/secret|billing/);
    void priv;

    expect((await t.api('GET', '/api/search?q=a')).status).toBe(400);
    expect((await t.api('GET', '/api/search?q=%22%29%28*')).status).toBe(200);
    // Control characters are separators: nothing left to search is a clear 400, never a 500.
    const control = await t.api('GET', '/api/search?q=%00%01');
    expect(control.status).toBe(400);
    expect(control.body.error.message).toMatch(/at least 2 characters/);
    const mixed = await t.api('GET', '/api/search?q=flux%00capaci');
    expect(mixed.status).toBe(200);
    expect(mixed.body.results.map((r: any) => r.ticketId)).toEqual([pub.body.ticketId]);
  });
});
