import http from 'node:http';
import { createHmac } from 'node:crypto';
import { DB_KINDS, apiInbox, postSigned, sleep, startTestChorus, type TestChorus } from './helpers/test-chorus';

// A stand-in for the partner system behind an API-channel inbox.
async function partner(plan: number[]) {
  const calls: { body: string; signature: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      calls.push({ body, signature: String(req.headers['x-chorus-signature']) });
      const status = plan.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json', 'retry-after': '1' }).end(JSON.stringify({ id: `partner-${calls.length}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { calls, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, close: () => server.close() };
}

async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await sleep(100);
  }
}

describe.each(DB_KINDS)('the outbox (%s)', (db) => {
  let t: TestChorus;
  beforeAll(async () => {
    t = await startTestChorus({ db });
  });
  afterAll(async () => t.stop());

  it('delivers a reply signed, keeps the external id, and never sends a staff note', async () => {
    const p = await partner([]);
    const inbox = await apiInbox(t, { callbackUrl: p.url });
    const tk = await postSigned(t, inbox, { externalId: 'o-1', author: { id: 'z' }, text: 'hello' });
    await t.api('POST', `/api/tickets/${tk.body.ticketId}/notes`, { text: 'STAFF ONLY' });
    const reply = await t.api('POST', `/api/tickets/${tk.body.ticketId}/replies`, { text: 'Hi there' });
    expect(reply.body.message.deliveryState).toBe('queued');
    const done = await waitFor(() => t.api('GET', `/api/tickets/${tk.body.ticketId}`), (d) => d.body.messages.at(-1).deliveryState === 'sent');
    expect(done.body.messages.at(-1)).toMatchObject({ deliveryState: 'sent', externalId: 'partner-1' });
    expect(p.calls).toHaveLength(1);
    expect(JSON.parse(p.calls[0].body)).toMatchObject({ text: 'Hi there', ticketId: tk.body.ticketId });
    expect(p.calls[0].signature).toBe(`sha256=${createHmac('sha256', inbox.secret).update(p.calls[0].body).digest('hex')}`);
    expect(p.calls.map((c) => c.body).join()).not.toContain('STAFF ONLY');
    p.close();
  });

  it('retries a failing system, shows the reason while it waits, and fails visibly on refusal', async () => {
    const p = await partner([503, 429, 200]);
    const inbox = await apiInbox(t, { callbackUrl: p.url });
    const tk = await postSigned(t, inbox, { externalId: 'o-2', author: { id: 'z2' }, text: 'hello' });
    const reply = await t.api('POST', `/api/tickets/${tk.body.ticketId}/replies`, { text: 'eventually' });
    const waiting = await waitFor(() => t.api('GET', `/api/tickets/${tk.body.ticketId}`), (d) => /retrying/.test(d.body.messages.at(-1).deliveryError ?? ''));
    expect(waiting.body.messages.at(-1)).toMatchObject({ deliveryState: 'queued', deliveryError: expect.stringContaining('HTTP 503') });
    // Skip the backoff: make the queued item due now.
    await t.s.db.write((m) => m.query(`UPDATE outbox_items SET next_attempt_at = 0 WHERE message_id = ${reply.body.message.id}`));
    t.s.outbox.poke();
    await waitFor(() => Promise.resolve(p.calls.length), (n) => n >= 2);
    await t.s.db.write((m) => m.query(`UPDATE outbox_items SET next_attempt_at = 0 WHERE message_id = ${reply.body.message.id}`));
    t.s.outbox.poke();
    const sent = await waitFor(() => t.api('GET', `/api/tickets/${tk.body.ticketId}`), (d) => d.body.messages.at(-1).deliveryState === 'sent');
    expect(sent.body.messages.at(-1).deliveryState).toBe('sent');
    expect(p.calls).toHaveLength(3);

    p.calls.length = 0;
    const refusing = await partner([400]);
    const inbox2 = await apiInbox(t, { callbackUrl: refusing.url });
    const tk2 = await postSigned(t, inbox2, { externalId: 'o-3', author: { id: 'z3' }, text: 'hello' });
    const r2 = await t.api('POST', `/api/tickets/${tk2.body.ticketId}/replies`, { text: 'refused' });
    const failed = await waitFor(() => t.api('GET', `/api/tickets/${tk2.body.ticketId}`), (d) => d.body.messages.at(-1).deliveryState === 'failed');
    expect(failed.body.messages.at(-1).deliveryError).toMatch(/refused the reply \(HTTP 400\)/);
    expect((await t.api('POST', `/api/messages/${r2.body.message.id}/retry`)).body.requeued).toBe(1);
    await waitFor(() => t.api('GET', `/api/tickets/${tk2.body.ticketId}`), (d) => d.body.messages.at(-1).deliveryState === 'sent');
    p.close();
    refusing.close();
  });
});
