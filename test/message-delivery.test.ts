import { agentRepository } from '../src/db/repositories/agent.repository';
import { contactRepository } from '../src/db/repositories/contact.repository';
import { messageDeliveryRepository } from '../src/db/repositories/message-delivery.repository';
import { messageRepository } from '../src/db/repositories/message.repository';
import { ticketRepository } from '../src/db/repositories/ticket.repository';
import { hydrationFrom, presentMessages, shapeMessages } from '../src/http/presenters/message.presenter';
import type { Viewer } from '../src/policies/viewer';
import { DB_KINDS, apiInbox, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { signInByLink } from './helpers/web-client';

// Live delivery reads a batch's messages with their tickets, attachments, thread links and
// authors in one joined statement; what it presents from that must be exactly what a page
// presents from its separate reads, for every kind of viewer.
describe.each(DB_KINDS)('messages read for live delivery (%s)', (db) => {
  let t: TestChorus;
  beforeAll(async () => {
    // No outbox worker: the messages must not change between the two reads compared below.
    t = await startTestChorus({ db, env: { CHORUS_WORKERS: 'false' } });
  });
  afterAll(async () => t.stop());

  it('presents a joined batch exactly as the page presenter does, and reads no staff-only contact field', async () => {
    const inbox = await apiInbox(t);
    const q = await postSigned(t, inbox, { externalId: 'md-1', author: { id: 'noa', email: 'noa@example.com', name: 'Noa' }, subject: 'Broken lamp', text: 'The lamp flickers' });
    const id = q.body.ticketId as number;
    const other = (await postSigned(t, inbox, { externalId: 'md-2', author: { id: 'eli', email: 'eli@example.com', name: 'Eli' }, subject: 'Other', text: 'Unrelated' })).body.ticketId as number;
    const noa = await signInByLink(t, 'noa@example.com');
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await noa.get(`/t/${id}`)).html)![1];
    const fd = new FormData();
    fd.append('_csrf', csrf);
    fd.append('text', 'Photos attached');
    fd.append('attachments', new Blob(['one'], { type: 'text/plain' }), 'one.txt');
    fd.append('attachments', new Blob(['second'], { type: 'text/plain' }), 'two.txt');
    expect((await fetch(`${t.url}/t/${id}/replies`, { method: 'POST', body: fd, headers: { cookie: noa.cookie }, redirect: 'manual' })).status).toBe(303);
    await t.api('POST', `/api/tickets/${id}/notes`, { text: 'STAFF-ONLY check the warranty' });
    await t.api('POST', `/api/tickets/${id}/replies`, { text: 'A new one is on its way.' });
    const requester = (await ticketRepository.findById(t.s.db.m, id))!.requesterId;
    await contactRepository.update(t.s.db.m, requester, { notes: 'STAFF-ONLY pays late', displayName: 'Noa L.' });

    const msgs = [...(await messageRepository.listByTicket(t.s.db.m, id)), ...(await messageRepository.listByTicket(t.s.db.m, other))];
    expect(msgs.length).toBe(5);
    const loaded = await messageDeliveryRepository.loadForDelivery(t.s.db.m, msgs.map((x) => x.id));
    expect(loaded.messages.map((x) => x.id).sort()).toEqual(msgs.map((x) => x.id).sort());
    expect(loaded.attachments.map((a) => a.filename).sort()).toEqual(['one.txt', 'two.txt']);
    // Every column hydrated as an entity read hydrates it (times, JSON, booleans, nulls).
    const byId = <T extends { id: number }>(xs: T[]) => [...xs].sort((x, y) => x.id - y.id);
    expect(byId(loaded.messages)).toEqual(byId(msgs));
    expect(byId(loaded.attachments)).toEqual(byId(await messageRepository.attachmentsOf(t.s.db.m, msgs.map((x) => x.id))));
    expect(loaded.tickets.get(id)).toEqual(await ticketRepository.findById(t.s.db.m, id));
    expect(loaded.tickets.get(other)).toEqual(await ticketRepository.findById(t.s.db.m, other));
    expect(JSON.stringify(loaded.contacts)).not.toContain('pays late');
    expect(loaded.contacts.find((c) => c.id === requester)?.displayName).toBe('Noa L.');

    const viewers: Viewer[] = [
      { kind: 'agent', agentId: 0, role: 'agent', name: '' },
      { kind: 'contact', contactId: -1, name: '' },
      { kind: 'contact', contactId: requester, name: 'Noa' },
      { kind: 'anonymous' },
    ];
    // The read done at once (SQLite's path for live delivery) gives the very same; Postgres has none.
    const now = messageDeliveryRepository.loadForDeliveryNow(t.s.db.m, msgs.map((x) => x.id));
    if (db === 'postgres') expect(now).toBeNull();
    else expect(now).toEqual(loaded);
    // The agent who replied is named from the joined read, as the page names them.
    const admin = (await agentRepository.list(t.s.db.m)).find((a) => a.id === t.admin.id)!;
    expect(loaded.agents.map((a) => ({ id: a.id, name: a.name }))).toEqual([{ id: admin.id, name: admin.name }]);
    const h = hydrationFrom(loaded);
    for (const viewer of viewers) {
      const live = shapeMessages(viewer, msgs.map((x) => loaded.messages.find((y) => y.id === x.id)!), h);
      expect(live).toEqual(await presentMessages(t.s.db.m, viewer, msgs));
    }
    // The thread links came along: an agent sees each message's link as a page shows it.
    expect((shapeMessages(viewers[0], loaded.messages, h) as { threadLink: unknown }[]).some((x) => x.threadLink)).toBe(true);
  });
});
