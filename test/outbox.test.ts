import http from 'node:http';
import net from 'node:net';
import { createHmac } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { outboxRepository } from '../src/db/repositories/outbox.repository';
import { createInbox } from '../src/inboxes/create-inbox';
import { sendMagicLink } from '../src/web/magic-link.service';
import { DB_KINDS, apiInbox, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { waitFor } from './helpers/wait';

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

// A relay that accepts the TCP connection and then never says a word (no greeting, no answer).
async function hungRelay() {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  let connections = 0;
  server.on('connection', () => connections++);
  return {
    port: (server.address() as { port: number }).port,
    connections: () => connections,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

// A partner that takes the request and never answers it.
async function silentPartner() {
  const pending: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    pending.push(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`,
    requests: () => pending.length,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe.each(DB_KINDS)('the outbox when a destination hangs (%s)', (db) => {
  let t: TestChorus;
  let relay: Awaited<ReturnType<typeof hungRelay>>;
  beforeAll(async () => {
    relay = await hungRelay();
    t = await startTestChorus({ db, env: { SMTP_URL: `smtp://127.0.0.1:${relay.port}`, CHORUS_SEND_TIMEOUT_MS: '1500' } });
  });
  afterAll(async () => {
    await t.stop();
    await relay.close();
  });

  it('delivers every API callback while the mail relay hangs, keeps the hung mail queued with its reason, and sends it once the relay answers', async () => {
    // Mail first, so the old one-at-a-time queue would have been stuck behind it.
    const support = await createInbox(t.s.db, Date.now(), { name: 'Support', channel: 'email', address: `support-${db}@acme.test` });
    const raw = `From: Grace <grace@example.com>\r\nTo: support-${db}@acme.test\r\nSubject: Invoice\r\nMessage-ID: <hung-${db}@example.com>\r\n\r\nThe total is wrong.\r\n`;
    const posted = await fetch(`${t.url}/api/inboxes/${support.id}/raw-email`, { method: 'POST', headers: { authorization: `Bearer ${t.admin.token}`, 'content-type': 'message/rfc822' }, body: raw });
    const mailTicket = ((await posted.json()) as any).ticketId;
    const mailReply = await t.api('POST', `/api/tickets/${mailTicket}/replies`, { text: 'We are on it.' });
    for (let i = 0; i < 6; i++) await sendMagicLink(t.s, `customer${i}@example.com`, '/my');

    const p = await partner([]);
    const inbox = await apiInbox(t, { callbackUrl: p.url });
    const started = Date.now();
    for (let i = 0; i < 10; i++) {
      const tk = await postSigned(t, inbox, { externalId: `hung-${i}`, author: { id: `u${i}` }, text: `question ${i}` });
      await t.api('POST', `/api/tickets/${tk.body.ticketId}/replies`, { text: `answer ${i}` });
    }
    await waitFor(() => Promise.resolve(p.calls.length), (n) => n >= 10, 30_000);
    if (process.env.OUTBOX_TIMING) console.log(`10 callbacks in ${Date.now() - started} ms with the relay hung (${relay.connections()} connections held)`);
    expect(p.calls).toHaveLength(10);
    expect(new Set(p.calls.map((c) => JSON.parse(c.body).text))).toEqual(new Set(Array.from({ length: 10 }, (_, i) => `answer ${i}`)));
    // …all while the relay held its connections open and never answered.
    expect(relay.connections()).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    p.close();

    // The hung mail is queued, says why, and is retried.
    const waiting = await waitFor(() => t.api('GET', `/api/tickets/${mailTicket}`), (d) => /retrying/.test(d.body.messages.at(-1).deliveryError ?? ''), 30_000);
    expect(waiting.body.messages.at(-1)).toMatchObject({ id: mailReply.body.message.id, deliveryState: 'queued', deliveryError: expect.stringMatching(/retrying: .*(greeting|timeout|timed out)/i) });
    const [item] = await outboxRepository.byMessage(t.s.db.m, mailReply.body.message.id);
    expect(item).toMatchObject({ state: 'queued', lane: 'smtp', lastError: expect.stringMatching(/greeting|timeout|timed out/i) });

    // The relay comes back as a real SMTP server on the same port: everything queued goes out.
    await relay.close();
    const received: string[] = [];
    const smtp = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
      onData(stream, session, cb) {
        stream.resume();
        stream.on('end', () => {
          received.push(...session.envelope.rcptTo.map((r) => r.address));
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(relay.port, '127.0.0.1', () => r()));
    try {
      // Skip the backoff of every queued item (a send still hanging when the relay came back too).
      const dueNow = async () => {
        await t.s.db.write((m) => m.query("UPDATE outbox_items SET next_attempt_at = 0 WHERE state = 'queued'"));
        t.s.outbox.poke();
      };
      const sent = await waitFor(async () => (await dueNow(), t.api('GET', `/api/tickets/${mailTicket}`)), (d) => d.body.messages.at(-1).deliveryState === 'sent', 30_000);
      expect(sent.body.messages.at(-1).deliveryState).toBe('sent');
      await waitFor(async () => (await dueNow(), received.length), (n) => n >= 7, 30_000);
      expect(received).toEqual(expect.arrayContaining(['grace@example.com', 'customer0@example.com', 'customer5@example.com']));
    } finally {
      await new Promise<void>((r) => smtp.close(() => r()));
    }
  });

  it('gives up on an API callback the partner never answers and keeps it queued to retry', async () => {
    const silent = await silentPartner();
    const inbox = await apiInbox(t, { callbackUrl: silent.url });
    const tk = await postSigned(t, inbox, { externalId: 'silent-1', author: { id: 's1' }, text: 'hello' });
    await t.api('POST', `/api/tickets/${tk.body.ticketId}/replies`, { text: 'anyone there?' });
    const waiting = await waitFor(() => t.api('GET', `/api/tickets/${tk.body.ticketId}`), (d) => /retrying/.test(d.body.messages.at(-1).deliveryError ?? ''));
    expect(waiting.body.messages.at(-1)).toMatchObject({ deliveryState: 'queued', deliveryError: expect.stringMatching(/did not answer within 1.5 s/) });
    expect(silent.requests()).toBe(1);
    silent.close();
  });

  it('frees a send that hangs past every timeout (the lease) and retries it', async () => {
    let calls = 0;
    t.s.outbox.register('test.hang', () => {
      calls++;
      return new Promise(() => {});
    });
    const id = await t.s.db.write((m) => outboxRepository.enqueue(m, { kind: 'test.hang', messageId: null, ticketId: null, inboxId: null, payload: null }, Date.now()));
    t.s.outbox.poke();
    const item = await waitFor(() => t.s.db.write((m) => outboxRepository.findById(m, id)), (i) => !!i?.lastError);
    expect(item).toMatchObject({ state: 'queued', attempts: 1, lockedUntil: null, lastError: expect.stringMatching(/did not finish within 3 s/) });
    await t.s.db.write((m) => outboxRepository.update(m, id, { nextAttemptAt: 0 }));
    t.s.outbox.poke();
    await waitFor(() => Promise.resolve(calls), (n) => n >= 2);
    expect(calls).toBe(2);
  });
});

// The poll is pushed out of reach (10 min), so every claim here was asked for by a commit.
describe.each(DB_KINDS)('the outbox worker is told only of changes that queue deliveries (%s)', (db) => {
  let t: TestChorus;
  const queuedRows = async () => Number((await t.s.db.m.query('SELECT COUNT(*) AS n FROM outbox_items'))[0].n);
  beforeAll(async () => {
    t = await startTestChorus({ db, env: { CHORUS_OUTBOX_POLL_MS: '600000' } });
  });
  afterAll(async () => t.stop());

  it('claims nothing for an inbound post that queues nothing, and still sends an agent reply at once', async () => {
    const p = await partner([]);
    const inbox = await apiInbox(t, { callbackUrl: p.url });
    const rowsBefore = await queuedRows();
    const claims = jest.spyOn(outboxRepository, 'claimDue');
    try {
      const tk = await postSigned(t, inbox, { externalId: 'quiet-1', author: { id: 'q' }, text: 'hello, nothing to send back yet' });
      expect(tk.body.ticketId).toEqual(expect.any(Number));
      // Every listener of the post's events has finished, and a claim any of them asked for has
      // been started (SQLite: writes take turns in order; Postgres: a claim starts in the poke).
      await t.s.bus.drain();
      await t.s.db.write(async () => undefined);
      expect(await queuedRows()).toBe(rowsBefore);
      expect(claims).not.toHaveBeenCalled();

      // A reply queues its callback in its own transaction; the commit tells the worker.
      const reply = await t.api('POST', `/api/tickets/${tk.body.ticketId}/replies`, { text: 'On its way' });
      expect(reply.body.message.deliveryState).toBe('queued');
      const sent = await waitFor(() => t.api('GET', `/api/tickets/${tk.body.ticketId}`), (d) => d.body.messages.at(-1).deliveryState === 'sent');
      expect(sent.body.messages.at(-1)).toMatchObject({ deliveryState: 'sent', externalId: 'partner-1' });
      expect(p.calls).toHaveLength(1);
      expect(claims).toHaveBeenCalled();
    } finally {
      claims.mockRestore();
      p.close();
    }
  });

  it('publishes outbox.enqueued once per committed transaction, with a savepoint\'s rows, never a rolled-back one\'s', async () => {
    const sent: number[] = [];
    t.s.outbox.register('test.noop', async (item) => void sent.push(item.id));
    let told = 0;
    t.s.bus.on('outbox.enqueued', () => void told++);
    const row = (m: Parameters<typeof outboxRepository.enqueue>[0]) => outboxRepository.enqueue(m, { kind: 'test.noop', messageId: null, ticketId: null, inboxId: null, payload: null }, Date.now());

    // Two rows, one of them in a savepoint that commits: one event, after the commit.
    const ids = await t.s.db.transaction(async (tx) => {
      const a = await row(tx.m);
      const b = await t.s.db.within(tx).savepoint((sp) => row(sp.m));
      expect(told).toBe(0);
      return [a, b];
    });
    expect(told).toBe(1);
    await waitFor(() => sent.length, (n) => n >= 2);
    expect(sent.sort((x, y) => x - y)).toEqual(ids.sort((x, y) => x - y));

    // Only a savepoint that rolled back queued anything: nothing to tell.
    await t.s.db.transaction(async (tx) => {
      await t.s.db.within(tx).savepoint(async (sp) => {
        await row(sp.m);
        throw new Error('rolled back');
      }).catch(() => undefined);
    });
    // A transaction that queued nothing, and one that rolled back with its row.
    await t.s.db.transaction(async () => undefined);
    await t.s.db.transaction(async (tx) => {
      await row(tx.m);
      throw new Error('rolled back');
    }).catch(() => undefined);
    expect(told).toBe(1);
  });
});
