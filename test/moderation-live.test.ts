import { apiInbox, connectSocket, joinTicket, nextEvent, postSigned, recordEvents, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { settled } from './helpers/wait';

describe('moderation reaches open pages live', () => {
  let t: TestChorus;
  beforeAll(async () => {
    t = await startTestChorus();
  });
  afterAll(async () => t.stop());

  it('tells public viewers to drop a hidden post, without sending its text again', async () => {
    const inbox = await apiInbox(t);
    const q = await postSigned(t, inbox, { externalId: 'q', threadKey: 'th', author: { id: 'asker' }, text: 'Question?', audience: 'public' });
    const spam = await postSigned(t, inbox, { externalId: 's', threadKey: 'th', author: { id: 'spammer' }, text: 'BUY CHEAP PILLS', audience: 'public' });
    const anon = await connectSocket(t);
    expect(await joinTicket(anon, q.body.ticketId)).toMatchObject({ audience: 'public' });
    const rec = recordEvents(anon);
    const dropped = nextEvent(anon, 'message.hidden');
    const r = await t.api('POST', `/api/moderation/posts/${spam.body.messageId}`, { action: 'hide' });
    expect(r.status).toBeLessThan(300);
    expect(await dropped).toEqual({ id: spam.body.messageId, ticketId: q.body.ticketId });
    await settled(t.s, anon);
    expect(JSON.stringify(rec.events)).not.toContain('PILLS');
    const page = await t.api('GET', `/api/tickets/${q.body.ticketId}`, undefined, '');
    expect(page.body.messages.map((m: any) => m.text)).toEqual(['Question?']);
    anon.close();
  });
});
