import { EmailContentKeys1764000012100 } from '../../migrations/1764000012100-email-content-keys';
import { emailIdempotencyKey } from '../../src/channels/email/email-key';
import { InboundItem } from '../../src/db/entities';
import { createInbox } from '../../src/inboxes/create-inbox';
import { DB_KINDS, startTestChorus, type TestChorus } from '../helpers/test-chorus';

// Mail recorded before the content digest joined the key must still be recognised afterwards.
describe.each(DB_KINDS)('re-keying the mail ledger (%s)', (db) => {
  let t: TestChorus;
  beforeAll(async () => (t = await startTestChorus({ db })));
  afterAll(async () => t.stop());

  it('gives old rows the new key, so a redelivery after the upgrade is a duplicate', async () => {
    const inbox = await createInbox(t.s.db, Date.now(), { name: 'Old', channel: 'email', address: 'old@acme.test' });
    const raw = 'From: a@example.test\r\nSubject: before the upgrade\r\nMessage-ID: <old-1@example.test>\r\n\r\nhello\r\n';
    const repo = t.s.db.m.getRepository(InboundItem);
    const row = (key: string, r: string) => ({ inboxId: inbox.id, channel: 'email', idempotencyKey: key, state: 'processed' as const, error: null, raw: r, rawType: 'email.rfc822', ticketId: null, messageId: null, flags: null, attempts: 1, receivedAt: Date.now(), processedAt: Date.now() });
    await repo.insert(row(`${inbox.id}:msgid:<old-1@example.test>`, raw));
    await repo.insert(row(`${inbox.id}:api:not-mail`, '{}'));
    await repo.update({ idempotencyKey: `${inbox.id}:api:not-mail` }, { rawType: 'api.json' });

    const q = t.s.db.ds.createQueryRunner();
    try {
      await new EmailContentKeys1764000012100().up(q);
    } finally {
      await q.release();
    }
    const keys = (await repo.findBy({ inboxId: inbox.id })).map((r) => r.idempotencyKey).sort();
    expect(keys).toEqual([`${inbox.id}:${emailIdempotencyKey(raw)}`, `${inbox.id}:api:not-mail`].sort());

    const again = await fetch(`${t.url}/api/inboxes/${inbox.id}/raw-email`, { method: 'POST', headers: { authorization: `Bearer ${t.admin.token}`, 'content-type': 'message/rfc822' }, body: `Received: from mx by mx2\r\n${raw}` });
    expect([again.status, ((await again.json()) as any).duplicate]).toEqual([200, true]);
  });
});
