import { contactRepository } from '../src/db/repositories/contact.repository';
import { AgentClient } from './helpers/agent-client';
import { seedDemo } from './helpers/seed-demo';
import { DB_KINDS, startTestChorus, type TestChorus } from './helpers/test-chorus';

// The contact page: name, notes and custom fields edited (a bad value named, what was typed
// kept); every identity with its reach; a merge asked for, confirmed, done, and named on the
// affected tickets' history. Notes and fields are staff information: no customer surface has them.
describe.each(DB_KINDS)('contact page (%s)', (db) => {
  let t: TestChorus;
  let agent: AgentClient;
  let demo: Awaited<ReturnType<typeof seedDemo>>;
  beforeAll(async () => {
    t = await startTestChorus({ db });
    demo = await seedDemo(t);
    agent = new AgentClient(t);
    await agent.signIn(t.admin.email, t.admin.password);
  });
  afterAll(async () => t?.stop());
  const requesterOf = async (ticketId: number) => (await t.api('GET', `/api/tickets/${ticketId}`)).body.ticket.requester.id as number;

  it('shows identities with reach and edits name, notes and custom fields', async () => {
    const priya = await requesterOf(demo.tickets.csv);
    const ticketPage = await agent.get(`/tickets/${demo.tickets.csv}`);
    expect(ticketPage.html).toContain(`href="/contacts/${priya}" data-contact-link`);
    let page = await agent.get(`/contacts/${priya}`);
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/@priyabuilds[\s\S]*48,200 followers/);
    expect(page.html).toContain('reach 48,200 followers');

    const bad = await agent.post(`/contacts/${priya}`, { name: '  ', notes: 'VIP NOTE7 keep', fieldKey: ['Plan', ''], fieldValue: ['Pro', ''] });
    expect(bad.status).toBe(422);
    expect(bad.html).toMatch(/id="c-name" name="name" value="  "[^>]*aria-invalid="true"[^>]*>\s*<div class="field-error">Give the contact a name\.<\/div>/);
    expect(bad.html).toContain('VIP NOTE7 keep');
    expect(bad.html).toContain('name="fieldValue" value="Pro"');
    const dup = await agent.post(`/contacts/${priya}`, { name: 'Priya R.', notes: '', fieldKey: ['Plan', 'plan'], fieldValue: ['Pro', 'Free'] });
    expect(dup.status).toBe(422);
    expect(dup.html).toContain('“plan” is given twice.');

    const ok = await agent.post(`/contacts/${priya}`, { name: 'Priya R.', notes: 'VIP NOTE7 keep', fieldKey: ['Plan', 'Company', ''], fieldValue: ['Pro', 'Buildco', ''] });
    expect([ok.status, ok.location]).toEqual([303, `/contacts/${priya}?saved=1`]);
    const c = (await contactRepository.findById(t.s.db.m, priya))!;
    expect([c.name, c.notes, c.customFields]).toEqual(['Priya R.', 'VIP NOTE7 keep', [{ key: 'Plan', value: 'Pro' }, { key: 'Company', value: 'Buildco' }]]);
    page = await agent.get(`/contacts/${priya}`);
    expect(page.html).toContain('name="fieldKey" value="Company"');
    // Staff information: the public thread of her ticket does not carry it.
    const pub = await (await fetch(`${t.url}/t/${demo.tickets.csv}`)).text();
    expect(pub).not.toContain('NOTE7');
    expect(pub).not.toContain('Buildco');
    expect((await fetch(`${t.url}/contacts/${priya}`, { redirect: 'manual' })).status).not.toBe(200);
  });

  it('merges from the page after a confirmation; the tickets name it; the merged one points to the kept one', async () => {
    const sam = await requesterOf(demo.tickets.refund);
    const lena = await requesterOf(demo.tickets.vat);
    const missing = await agent.post(`/contacts/${sam}/merge`, { into: 'nobody@nowhere.example' });
    expect(missing.status).toBe(422);
    expect(missing.html).toMatch(/<div class="field-error">No contact is #nobody@nowhere.example or has the address nobody@nowhere.example\.<\/div>/);
    const ask = await agent.post(`/contacts/${sam}/merge`, { into: 'lena@northwind.example' });
    expect(ask.status).toBe(200);
    expect(ask.html).toMatch(/data-merge-confirm>\s*Merge <strong>Sam Okafor<\/strong> \(#\d+, 1 identity, 1 ticket\(s\)\) into <strong>Lena Fischer<\/strong>/);
    // Nothing moved before the confirmation.
    expect(await requesterOf(demo.tickets.refund)).toBe(sam);
    const done = await agent.post(`/contacts/${sam}/merge`, { into: String(lena), confirm: '1' });
    expect([done.status, done.location]).toEqual([303, `/contacts/${lena}?merged=Sam%20Okafor`]);
    expect(await requesterOf(demo.tickets.refund)).toBe(lena);
    const kept = await agent.get(`/contacts/${lena}?merged=Sam%20Okafor`);
    expect(kept.html).toContain('sam@example.org');
    expect(kept.html).toContain(`#${demo.tickets.refund} Refund for duplicate charge`);
    const history = await agent.get(`/tickets/${demo.tickets.refund}`);
    expect(history.html).toContain(`Contact Sam Okafor (#${sam}) merged into contact #${lena}`);
    expect((await agent.get(`/contacts/${sam}`)).location).toBe(`/contacts/${lena}?merged=Sam%20Okafor`);
    const again = await agent.post(`/contacts/${lena}/merge`, { into: String(lena), confirm: '1' });
    expect(again.html).toContain('A contact cannot be merged into itself.');
  });
});
