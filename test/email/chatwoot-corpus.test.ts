import fs from 'node:fs';
import path from 'node:path';
import { parseEmail } from '../../src/channels/email/parse-email';
import { createInbox } from '../../src/inboxes/create-inbox';
import { corpusPath } from '../helpers/corpus';
import { startTestChorus, type TestChorus } from '../helpers/test-chorus';

const { dir: DIR, present } = corpusPath('email/chatwoot-eml');
const files = present ? fs.readdirSync(DIR).filter((f) => f.endsWith('.eml')).sort() : [];

// Every real mail of the Chatwoot corpus through the raw-email door, each into a fresh inbox
// address so threading between unrelated fixtures cannot hide a failure.
(files.length ? describe : describe.skip)('the Chatwoot e-mail corpus', () => {
  let t: TestChorus;
  const results = new Map<string, any>();
  beforeAll(async () => {
    t = await startTestChorus();
    // Several fixtures reuse one Message-ID (the ledger key): one inbox per file keeps them apart.
    for (const f of files) {
      const inbox = await createInbox(t.s.db, Date.now(), { name: f, channel: 'email', address: `support-${f.replace(/\W/g, '')}@chatwoot.com` });
      const raw = fs.readFileSync(path.join(DIR, f));
      const res = await fetch(`${t.url}/api/inboxes/${inbox.id}/raw-email`, { method: 'POST', headers: { authorization: `Bearer ${t.admin.token}`, 'content-type': 'message/rfc822' }, body: raw });
      results.set(f, { status: res.status, ...((await res.json()) as object) });
    }
  });
  afterAll(async () => t.stop());

  const detail = async (f: string) => (await t.api('GET', `/api/tickets/${results.get(f).ticketId}`)).body;

  it('ingests every file without a failed ledger row', () => {
    const failed = [...results].filter(([, r]) => r.state === 'failed' || r.status >= 300);
    expect(failed).toEqual([]);
    expect(results.size).toBe(files.length);
  });

  it('keeps auto-replies, bounces and notifications as flagged messages on automatic tickets, never in triage', async () => {
    for (const f of ['auto_reply.eml', 'auto_reply_with_auto_submitted.eml', 'bounced_gmail.eml', 'bounced_with_no_from.eml', 'notification.eml']) {
      expect([f, results.get(f).state]).toEqual([f, 'processed']);
      const d = await detail(f);
      expect([f, typeof d.ticket.automatic, d.ticket.slaDueAt]).toEqual([f, 'string', null]);
      expect([f, !!d.messages[0].flags?.noise]).toEqual([f, true]);
      // A delivery report is for agents only, whoever it names.
      if (f.startsWith('bounced')) expect([f, d.messages[0].audience]).toEqual([f, 'staff']);
    }
    const triage = await t.api('GET', '/api/tickets?limit=200');
    const ids = new Set(triage.body.tickets.map((x: any) => x.id));
    expect(['auto_reply.eml', 'notification.eml', 'bounced_gmail.eml'].filter((f) => ids.has(results.get(f).ticketId))).toEqual([]);
    expect(ids.has(results.get('support.eml').ticketId)).toBe(true);
  });

  it('keeps the visible text and both attachments of support.eml', async () => {
    const d = await detail('support.eml');
    expect(d.messages[0].text).toBe("Let's talk about these images:");
    expect(d.messages[0].attachments).toHaveLength(2);
    expect(d.messages[0].attachments.every((a: any) => /^[0-9a-f]{64}$/.test(a.sha256) && a.size > 0)).toBe(true);
  });

  it('matches senders case-insensitively and falls back to the local part for a missing name', async () => {
    const a = await detail('support.eml');
    const b = await detail('support_uppercase.eml');
    expect(b.ticket.requester.id).toBe(a.ticket.requester.id);
    // Same address as support.eml, so the same contact; the parser alone shows the fallback name.
    const raw = fs.readFileSync(path.join(DIR, 'support_without_sender_name.eml')).toString('latin1');
    const parsed = await parseEmail(raw, { address: 'x@example.com', settings: null } as never);
    expect(parsed.author.name).toBe(parsed.author.value.split('@')[0]);
    expect((await detail('support_without_sender_name.eml')).ticket.requester.id).toBe(a.ticket.requester.id);
  });

  it('shows inline cid images from stored attachments', async () => {
    for (const f of ['mail_with_inline_images.eml', 'mail_with_plain_text_and_inline_image.eml']) {
      const m = (await detail(f)).messages[0];
      if (m.html) expect(m.html).not.toMatch(/["']cid:/i);
      expect(m.attachments.length).toBeGreaterThan(0);
    }
  });

  it('takes the person from X-Original-Sender for group mail, and survives malformed headers', async () => {
    const g = await detail('group_sender_support.eml');
    const contact = (await t.api('GET', `/api/contacts/${g.ticket.requester.id}`)).body.contact;
    const raw = fs.readFileSync(path.join(DIR, 'group_sender_support.eml'), 'utf8');
    const original = /^X-Original-Sender:\s*(\S+)/im.exec(raw)?.[1]?.toLowerCase();
    expect(contact.identities.map((i: any) => i.value)).toContain(original);
    for (const f of ['mail_with_no_subject.eml', 'mail_with_no_date.eml', 'mail_with_invalid_to.eml', 'mail_with_invalid_to_2.eml']) {
      expect(results.get(f).state).toBe('processed');
      expect((await detail(f)).ticket.subject.length).toBeGreaterThan(0);
    }
  });

  it('decodes a legacy charset to correct text', async () => {
    // An auto-reply: kept as a message on an automatic ticket, where agents read it decoded.
    expect(results.get('non_utf_encoded_mail.eml').state).toBe('processed');
    expect((await detail('non_utf_encoded_mail.eml')).messages[0].text).toMatch(/[\u0600-\u06FF]/);
    const raw = fs.readFileSync(path.join(DIR, 'non_utf_encoded_mail.eml')).toString('latin1');
    const m = await parseEmail(raw, { address: 'x@example.com', settings: null } as never);
    expect(m.subject).toMatch(/^[\u0600-\u06FF\s]+$/);
    expect(m.text).not.toMatch(/\uFFFD|Ã|Ø§/);
    expect(m.text).toMatch(/[\u0600-\u06FF]/);
  });

  it('folds the quoted history of a reply away from the visible text', async () => {
    const m = (await detail('mail_with_quote.eml')).messages.at(-1);
    expect(m.fullText).toBeTruthy();
    expect(m.text.length).toBeLessThan(m.fullText.length);
  });
});
