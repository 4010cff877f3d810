import { ConfigError, loadConfig } from '../src/config';
import { DB_KINDS, apiInbox, connectSocket, joinTicket, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { WebClient, signInByLink } from './helpers/web-client';

const METRICS_TOKEN = 'metrics-token-0123456789';
const png = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64');

// Whoever may not see an id gets exactly the answer a missing id gets: ids cannot be probed.
describe.each(DB_KINDS)('no probing of ids (%s)', (db) => {
  let t: TestChorus;
  beforeAll(async () => {
    t = await startTestChorus({ db, env: { CHORUS_METRICS_TOKEN: METRICS_TOKEN } });
  });
  afterAll(async () => t.stop());

  // The same answer modulo the number that was asked for.
  const same = async (get: (id: number) => Promise<{ status: number; html: string }>, hidden: number, missing: number) => {
    const a = await get(hidden);
    const b = await get(missing);
    expect(a.status).toBe(404);
    const blank = (html: string, n: number) => html.replace(new RegExp(`(?<=[/#])${n}(?!\\d)`, 'g'), 'N');
    expect(blank(a.html, hidden)).toBe(blank(b.html, missing));
  };

  it('answers a private ticket, its attachments and posts like missing ones, to strangers and the signed-out alike', async () => {
    const inbox = await apiInbox(t);
    const priv = await postSigned(t, inbox, { externalId: 'np-1', author: { id: 'pia', email: 'pia@example.com', name: 'Pia' }, subject: 'Private matter', text: 'A private question', attachments: [{ filename: 'p.png', contentType: 'image/png', contentBase64: png }] });
    const pub = await postSigned(t, inbox, { externalId: 'np-2', threadKey: 'np-pub', author: { id: 'quin', email: 'quin@example.com' }, text: 'A public question', audience: 'public' });
    const note = await t.api('POST', `/api/tickets/${pub.body.ticketId}/notes`, { text: 'staff only', attachments: [{ filename: 'n.png', contentType: 'image/png', contentBase64: png }] });
    const privTicket = await t.api('GET', `/api/tickets/${priv.body.ticketId}`);
    const privAttachment = privTicket.body.messages[0].attachments[0].id as number;
    const noteAttachment = note.body.message.attachments[0].id as number;
    const MISSING = 987_654;

    const stranger = await signInByLink(t, 'stranger@example.com');
    for (const who of [new WebClient(t), stranger]) {
      await same((id) => who.get(`/t/${id}`), priv.body.ticketId, MISSING);
      await same((id) => who.get(`/api/web/tickets/${id}`), priv.body.ticketId, MISSING);
      await same((id) => who.get(`/community/${id}`), priv.body.ticketId, MISSING);
      await same((id) => who.get(`/attachments/${id}/f.png`), privAttachment, MISSING);
      await same((id) => who.get(`/attachments/${id}/f.png`), noteAttachment, MISSING);
    }
    // Posting actions on a post the member cannot read: the same 404 as for no post at all.
    for (const action of ['accept', 'vote', 'flag']) {
      await same((id) => stranger.form(`/community/posts/${id}/${action}`, { value: 'up', reason: 'x' }), priv.body.messageId, MISSING);
      await same((id) => stranger.form(`/community/posts/${id}/${action}`, { value: 'up', reason: 'x' }), note.body.message.id, MISSING);
    }
    // Sockets: joining a private ticket is refused exactly like joining a missing one.
    const sock = await connectSocket(t, { cookie: stranger.cookie });
    expect(await joinTicket(sock, priv.body.ticketId)).toEqual(await joinTicket(sock, MISSING));
    sock.close();
  });

  it('answers an inbox id with a wrong signature or verify token exactly like an unknown inbox id', async () => {
    const inbox = await apiInbox(t);
    const body = { externalId: 'np-sig', author: { id: 'x' }, text: 'hi' };
    const wrong = await postSigned(t, inbox, body, { secret: 'not-the-secret' });
    const unknown = await postSigned(t, { id: 987_654, secret: inbox.secret }, body);
    expect(wrong.status).toBe(404);
    expect(wrong).toEqual(unknown);
    for (const platform of ['meta', 'telegram', 'x', 'whatsapp']) {
      const post = (id: number) => fetch(`${t.url}/webhooks/${platform}/${id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then(async (r) => [r.status, await r.text()]);
      expect(await post(inbox.id)).toEqual(await post(987_654));
      expect((await post(inbox.id))[0]).toBe(404);
    }
  });

  it('serves /metrics only with CHORUS_METRICS_TOKEN when it is set', async () => {
    expect((await fetch(`${t.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${t.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    // An agent's API token is not the metrics token.
    expect((await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${t.admin.token}` } })).status).toBe(401);
    const ok = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('chorus_http_request_duration_seconds');
  });
});

describe('CHORUS_METRICS_TOKEN', () => {
  it('is validated at start', () => {
    const base = { CHORUS_SECRET: 'test-secret-0123456789abcdef', CHORUS_DATA_DIR: '/tmp' };
    expect(() => loadConfig({ ...base, CHORUS_METRICS_TOKEN: 'short' }, { readDotEnv: false })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, CHORUS_METRICS_TOKEN: 'has spaces in it 0123456' }, { readDotEnv: false })).toThrow(/CHORUS_METRICS_TOKEN/);
    expect(loadConfig({ ...base, CHORUS_METRICS_TOKEN: METRICS_TOKEN }, { readDotEnv: false }).CHORUS_METRICS_TOKEN).toBe(METRICS_TOKEN);
    expect(loadConfig(base, { readDotEnv: false }).CHORUS_METRICS_TOKEN).toBeUndefined();
  });
});
