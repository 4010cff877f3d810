import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import { contactRepository } from '../src/db/repositories/contact.repository';
import type { Viewer } from '../src/policies/viewer';
import { addNote } from '../src/tickets/commands/add-note';
import { addReply } from '../src/tickets/commands/add-reply';
import { addTag } from '../src/tickets/commands/add-tag';
import { changeVisibility } from '../src/tickets/commands/change-visibility';
import { contactReply } from '../src/tickets/commands/contact-reply';
import { CsatSurvey, OutboxItem } from '../src/db/entities';
import { surveyLinks } from '../src/csat/csat-links';
import { changeStatus } from '../src/tickets/commands/change-status';
import { mentionAgents } from '../src/tickets/commands/mention-agents';
import { createAgent } from '../src/agents/create-agent';
import { apiInbox, connectSocket, joinTicket, postSigned, recordEvents, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { until } from './helpers/wait';
import { webhookReceiver } from './helpers/webhook-receiver';
import { readZip } from './helpers/zip';
import { createInbox } from '../src/inboxes/create-inbox';
import { listeningItemRepository } from '../src/db/repositories/listening-item.repository';
import { listeningStreamRepository } from '../src/db/repositories/listening-stream.repository';
import { convertItem } from '../src/listening/commands/convert-item';
import { dismissItems } from '../src/listening/commands/dismiss-items';
import { replyToItem } from '../src/listening/commands/reply-to-item';

type Op =
  | { kind: 'customer' }
  | { kind: 'agent-reply'; audience: 'public' | 'participants' }
  | { kind: 'note' }
  | { kind: 'community' }
  | { kind: 'visibility'; to: 'public' | 'private' }
  | { kind: 'tag'; public: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.constant<Op>({ kind: 'customer' }),
  fc.constantFrom<'public' | 'participants'>('public', 'participants').map((audience): Op => ({ kind: 'agent-reply', audience })),
  fc.constant<Op>({ kind: 'note' }),
  fc.constant<Op>({ kind: 'community' }),
  fc.constantFrom<'public' | 'private'>('public', 'private').map((to): Op => ({ kind: 'visibility', to })),
  fc.boolean().map((pub): Op => ({ kind: 'tag', public: pub })),
);

type Who = 'anonymous' | 'requester' | 'other' | 'agent';
const WHO: Who[] = ['anonymous', 'requester', 'other', 'agent'];

// Random threads of posts, notes and audience changes, read by four kinds of viewer through
// the page, the JSON and the socket, and by a webhook of each audience: nobody ever receives a
// message outside their audience. Notes @-mention a second agent, whose bell (JSON and socket)
// gets them; no customer's socket or request ever carries a notification.
describe('Audience property: HTML, JSON, socket and webhooks never leak', () => {
  let t: TestChorus;
  let inbox: Awaited<ReturnType<typeof apiInbox>>;
  let otherId: number;
  let otherCookie: string;
  const agent = (): Extract<Viewer, { kind: 'agent' }> => ({ kind: 'agent', agentId: t.admin.id, role: 'admin', name: 'Ada' });
  let run = 0;
  const HOOK_AUDIENCES = ['public', 'participants', 'staff'] as const;
  let hooks: Record<(typeof HOOK_AUDIENCES)[number], Awaited<ReturnType<typeof webhookReceiver>>>;
  // The agent every note mentions: their bell is a staff surface that must get each note.
  let nell: { id: number; token: string; socket: Socket; rec: { events: [string, any][] } };

  beforeAll(async () => {
    t = await startTestChorus({ env: { CHORUS_WEBHOOKS_ALLOW_PRIVATE: 'true' } });
    inbox = await apiInbox(t, { csat: { enabled: true, perContactHours: 0 } });
    hooks = { public: await webhookReceiver(), participants: await webhookReceiver(), staff: await webhookReceiver() };
    for (const audience of HOOK_AUDIENCES) {
      const r = await t.api('POST', '/api/webhooks', { url: hooks[audience].url, events: ['ticket.created', 'ticket.updated', 'message.created'], audience });
      if (r.status !== 201) throw new Error(JSON.stringify(r.body));
    }
    await postSigned(t, inbox, { externalId: 'other-0', author: { id: 'other', email: 'other@example.com', name: 'Other' }, text: 'unrelated' });
    otherId = (await contactRepository.findIdentity(t.s.db.m, 'email', 'other@example.com'))!.contactId;
    otherCookie = `chorus_sid=${(await t.s.sessions.create({ contactId: otherId })).sid}`;
    const n = await createAgent(t.s.db, Date.now(), { email: 'nell@acme.test', name: 'Nell Note', password: 'nell-password-1', role: 'agent' });
    const token = await t.s.sessions.createApiToken(n.id, 'test');
    const socket = await connectSocket(t, { token });
    nell = { id: n.id, token, socket, rec: recordEvents(socket) };
  });
  afterAll(async () => {
    nell?.socket.close();
    await t.stop();
    await Promise.all(Object.values(hooks).map((h) => h.close()));
  });

  it('holds for random sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(opArb, { minLength: 1, maxLength: 8 }), async (startPublic, ops) => {
        run++;
        const tok = (n: number) => `TOK${run}x${n}Z`;
        // Model: each message's token, audience, and the visibility when it was posted.
        const model: { token: string; audience: 'public' | 'participants' | 'staff' }[] = [];
        const q = await postSigned(t, inbox, { externalId: `p-${run}`, author: { id: `req-${run}`, email: `req${run}@example.com`, name: 'Req' }, subject: `Question ${run}`, text: tok(0), audience: startPublic ? 'public' : 'private' });
        const id = q.body.ticketId as number;
        let visibility: 'public' | 'private' = startPublic ? 'public' : 'private';
        model.push({ token: tok(0), audience: startPublic ? 'public' : 'participants' });
        const reqId = (await contactRepository.findIdentity(t.s.db.m, 'email', `req${run}@example.com`))!.contactId;
        const reqCookie = `chorus_sid=${(await t.s.sessions.create({ contactId: reqId })).sid}`;
        const cookies: Record<Who, string | undefined> = { anonymous: undefined, requester: reqCookie, other: otherCookie, agent: undefined };

        const sockets: Record<Who, Socket> = {} as never;
        const recs: Record<Who, { events: [string, any][] }> = {} as never;
        for (const w of WHO) {
          sockets[w] = await connectSocket(t, w === 'agent' ? { token: t.admin.token } : { cookie: cookies[w] });
          recs[w] = recordEvents(sockets[w]);
          await joinTicket(sockets[w], id);
          // The command centre (ticket subjects, customers, staff figures) is agents' only.
          expect({ w, live: (await sockets[w].timeout(5000).emitWithAck('live:join', {})).ok }).toEqual({ w, live: w === 'agent' });
        }
        const rejoin = async () => { for (const w of WHO) await joinTicket(sockets[w], id); };
        // Which tokens each viewer may ever have been sent live.
        const allowedLive: Record<Who, Set<string>> = { anonymous: new Set(), requester: new Set([tok(0)]), other: new Set(), agent: new Set([tok(0)]) };
        if (startPublic) { allowedLive.anonymous.add(tok(0)); allowedLive.other.add(tok(0)); }

        // Tags: internal ones are staff information on every surface; public ones are topics.
        const tags: { tag: string; public: boolean }[] = [];
        for (const [i, op] of ops.entries()) {
          const token = tok(i + 1);
          let audience: 'public' | 'participants' | 'staff' | null = null;
          if (op.kind === 'tag') {
            const tag = `tg${run}n${i + 1}q`;
            await addTag(t.s.commands, agent(), id, tag, { public: op.public });
            tags.push({ tag, public: op.public });
          } else if (op.kind === 'customer') {
            await contactReply(t.s.commands, { kind: 'contact', contactId: reqId, name: 'Req' }, id, { text: token });
            audience = visibility === 'public' ? 'public' : 'participants';
          } else if (op.kind === 'agent-reply') {
            await addReply(t.s.commands, agent(), id, { audience: op.audience, text: token });
            audience = op.audience;
          } else if (op.kind === 'note') {
            const text = `${token} for @nell`;
            const note = await addNote(t.s.commands, agent(), id, { text });
            await mentionAgents({ ...t.s.commands, publicUrl: t.s.config.publicUrl }, agent(), id, note.id, text);
            audience = 'staff';
          } else if (op.kind === 'community') {
            if (visibility !== 'public') {
              await expect(contactReply(t.s.commands, { kind: 'contact', contactId: otherId, name: 'Other' }, id, { text: token })).rejects.toThrow();
            } else {
              await contactReply(t.s.commands, { kind: 'contact', contactId: otherId, name: 'Other' }, id, { text: token });
              audience = 'public';
            }
          } else {
            // Earlier posts go out live under the visibility they were written in; without this a
            // slow broadcast could present them after the switch (which the rule allows, but this
            // model does not count).
            await t.s.bus.drain();
            await changeVisibility(t.s.commands, agent(), id, op.to);
            visibility = op.to;
            // The room re-check runs in the ticket.updated handler: wait for it, not for time.
            await t.s.bus.drain();
            await rejoin();
            // Once public, every public post of the thread is readable by anyone, so a late
            // broadcast of an earlier one (a delivery-state update) is no leak.
            if (op.to === 'public') for (const m of model) if (m.audience === 'public') { allowedLive.anonymous.add(m.token); allowedLive.other.add(m.token); }
          }
          if (audience) {
            model.push({ token, audience });
            allowedLive.agent.add(token);
            if (audience !== 'staff') allowedLive.requester.add(token);
            if (audience === 'public' && visibility === 'public') { allowedLive.anonymous.add(token); allowedLive.other.add(token); }
          }
        }
        // Every broadcast of the steps above has been handed to the sockets; a round trip on each
        // connection then proves the client has received all of it (one connection is ordered).
        await t.s.bus.drain();
        for (const w of WHO) await joinTicket(sockets[w], id);
        const internal = tags.filter((x) => !x.public).map((x) => x.tag);
        // Notifications: the mentioned agent's bell has each note, in the JSON and live; nobody
        // else's has any of this thread (the author mentioned no one else).
        await joinTicket(nell.socket, 0);
        const notes = model.filter((m) => m.audience === 'staff').map((m) => m.token);
        const bell = JSON.stringify((await t.api('GET', '/api/notifications', undefined, nell.token)).body);
        const bellLive = JSON.stringify(nell.rec.events.filter(([name]) => name === 'notification'));
        for (const token of notes) expect({ via: 'bell', token, json: bell.includes(token), live: bellLive.includes(token) }).toEqual({ via: 'bell', token, json: true, live: true });
        const adminBell = JSON.stringify((await t.api('GET', '/api/notifications')).body);
        for (const token of model.map((m) => m.token)) expect({ via: 'bell of another agent', token, shown: adminBell.includes(token) }).toEqual({ via: 'bell of another agent', token, shown: false });
        const publicTags = tags.filter((x) => x.public).map((x) => x.tag);

        const all = model.map((m) => m.token);
        const expectedNow = (w: Who): string[] | null => {
          if (w === 'agent') return all;
          if (w === 'requester') return model.filter((m) => m.audience !== 'staff').map((m) => m.token);
          return visibility === 'public' ? model.filter((m) => m.audience === 'public').map((m) => m.token) : null;
        };
        // The public lists and search must not surface anything a stranger could not read.
        const strangerMay = new Set(expectedNow('anonymous') ?? []);
        for (const listPath of ['/community', `/community?q=TOK${run}x`, '/community?tab=unanswered']) {
          const list = await (await fetch(t.url + listPath)).text();
          for (const token of all) if (!strangerMay.has(token)) expect({ listPath, token, shown: list.includes(token) }).toEqual({ listPath, token, shown: false });
          for (const tag of internal) expect({ listPath, tag, shown: list.includes(tag) }).toEqual({ listPath, tag, shown: false });
        }
        // Community search runs on the full-text index in public-only mode: a post a stranger may
        // not read (a staff note, a participant-only reply) never finds the question; one they may does.
        for (const m of model) {
          const found = ((await (await fetch(`${t.url}/community?q=${m.token}`, { headers: { accept: 'application/json' } })).json()) as { questions: { id: number }[] }).questions.some((x) => x.id === id);
          expect({ token: m.token, audience: m.audience, via: 'community search', found }).toEqual({ token: m.token, audience: m.audience, via: 'community search', found: strangerMay.has(m.token) });
        }
        // Suggestions while asking (titles of solved public questions) never carry a post's words.
        for (const m of model) {
          const offered = await (await fetch(`${t.url}/api/community/suggestions?q=${m.token}`)).text();
          for (const token of all) if (!strangerMay.has(token)) expect({ via: 'suggestions', token, shown: offered.includes(token) }).toEqual({ via: 'suggestions', token, shown: false });
        }
        // An internal tag neither shows on nor filters the public list.
        for (const tag of internal) {
          const filtered = await (await fetch(`${t.url}/community?tag=${tag}`)).text();
          expect({ tag, lists: filtered.includes(`/community/${id}-`) }).toEqual({ tag, lists: false });
          const json = await (await fetch(`${t.url}/community?tag=${tag}`, { headers: { accept: 'application/json' } })).json() as { questions: unknown[] };
          expect({ tag, questions: json.questions.length }).toEqual({ tag, questions: 0 });
        }
        // Webhooks: every delivery of this thread has left (none queued), then each receiver's
        // payloads hold nothing outside its audience; the staff webhook got every message.
        await until('webhook deliveries to leave', async () => (await t.s.db.m.getRepository(OutboxItem).countBy({ kind: 'webhook', state: 'queued' })) === 0);
        const hookAllowed = { public: allowedLive.anonymous, participants: allowedLive.requester, staff: allowedLive.agent };
        for (const a of HOOK_AUDIENCES) {
          const mine = hooks[a].calls.filter((c) => c.body?.data?.ticket?.id === id).map((c) => c.raw);
          const seen = mine.join('\n');
          for (const token of all) if (!hookAllowed[a].has(token)) expect({ a, via: 'webhook', token, leaked: seen.includes(token) }).toEqual({ a, via: 'webhook', token, leaked: false });
          if (a !== 'staff') for (const tag of internal) expect({ a, via: 'webhook', tag, leaked: seen.includes(tag) }).toEqual({ a, via: 'webhook', tag, leaked: false });
          if (a === 'staff') for (const token of all) expect({ a, via: 'webhook', token, delivered: seen.includes(token) }).toEqual({ a, via: 'webhook', token, delivered: true });
        }
        for (const w of WHO) {
          // Socket: nothing outside what was allowed when it was sent.
          const seen = JSON.stringify(recs[w].events);
          for (const token of all) if (!allowedLive[w].has(token)) expect({ w, via: 'socket', token, leaked: seen.includes(token) }).toEqual({ w, via: 'socket', token, leaked: false });
          if (w !== 'agent') for (const tag of internal) expect({ w, via: 'socket', tag, leaked: seen.includes(tag) }).toEqual({ w, via: 'socket', tag, leaked: false });
          if (w !== 'agent') expect({ w, live: recs[w].events.filter(([name]) => name.startsWith('live')).length }).toEqual({ w, live: 0 });
          if (w !== 'agent') expect({ w, bell: recs[w].events.filter(([name]) => /^(notification|mention)/.test(name)).length }).toEqual({ w, bell: 0 });
          if (w !== 'agent') {
            // The bell's JSON and pages answer a customer or visitor with nothing of anyone's.
            const h: Record<string, string> = cookies[w] ? { cookie: cookies[w]! } : {};
            for (const p of ['/api/notifications', '/notifications', '/notifications/settings']) {
              const res = await fetch(`${t.url}${p}`, { headers: h, redirect: 'manual' });
              const body = await res.text();
              expect({ w, p, ok: res.status < 300, leaked: all.some((token) => body.includes(token)) }).toEqual({ w, p, ok: false, leaked: false });
            }
          }
          sockets[w].close();
          const expected = expectedNow(w);
          const headers: Record<string, string> = w === 'agent' ? { authorization: `Bearer ${t.admin.token}` } : cookies[w] ? { cookie: cookies[w]! } : {};
          const json = await fetch(`${t.url}/api/web/tickets/${id}`, { headers });
          const html = w === 'agent' ? null : await fetch(`${t.url}/t/${id}`, { headers });
          const bodies = [await json.text(), html ? await html.text() : ''];
          if (expected === null) {
            expect(json.status).toBe(404);
            expect(html!.status).toBe(404);
          }
          // Tags on the customer page and its JSON: the public ones when the thread is readable, never an internal one.
          for (const tag of [...internal, ...publicTags]) {
            const should = expected !== null && publicTags.includes(tag);
            for (const [via, body] of [['json', bodies[0]], ['html', bodies[1]]] as const) {
              if (via === 'html' && w === 'agent') continue;
              expect({ w, via, tag, shown: body.includes(tag) }).toEqual({ w, via, tag, shown: should });
            }
          }
          if (w === 'agent') {
            const staffView = await (await fetch(`${t.url}/api/tickets/${id}`, { headers })).text();
            for (const tag of [...internal, ...publicTags]) expect({ tag, agentSees: staffView.includes(tag) }).toEqual({ tag, agentSees: true });
          }
          for (const token of all) {
            const should = expected?.includes(token) ?? false;
            for (const [via, body] of [['json', bodies[0]], ['html', bodies[1]]] as const) {
              if (via === 'html' && w === 'agent') continue;
              expect({ w, via, token, shown: body.includes(token) }).toEqual({ w, via, token, shown: should });
            }
          }
        }
        // The customer's own export from /my (a ZIP): the requester's view in every file of it —
        // each public and participants post, never a staff note or an internal tag; nobody else
        // (signed out, another customer) can download it.
        const mine = await fetch(`${t.url}/my/tickets/${id}/export.zip`, { headers: { cookie: reqCookie } });
        expect(mine.status).toBe(200);
        const zipFiles = await readZip(Buffer.from(await mine.arrayBuffer()));
        const everything = [...zipFiles.values()].map((b) => b.toString('utf8')).join('\n');
        for (const [name, data] of zipFiles) {
          const text = data.toString('utf8');
          for (const m of model) if (m.audience === 'staff') expect({ via: 'export', name, token: m.token, leaked: text.includes(m.token) }).toEqual({ via: 'export', name, token: m.token, leaked: false });
          for (const tag of internal) expect({ via: 'export', name, tag, leaked: text.includes(tag) }).toEqual({ via: 'export', name, tag, leaked: false });
        }
        for (const m of model) if (m.audience !== 'staff') expect({ via: 'export', token: m.token, shown: everything.includes(m.token) }).toEqual({ via: 'export', token: m.token, shown: true });
        for (const cookie of [undefined, otherCookie]) {
          const res = await fetch(`${t.url}/my/tickets/${id}/export.zip`, { headers: cookie ? { cookie } : {} });
          expect({ cookie: !!cookie, status: res.status }).toEqual({ cookie: !!cookie, status: 404 });
        }
        // Satisfaction: solving asks the requester. The survey page (for whoever holds the link)
        // names the request but shows no message or internal tag; the prompt is the requester's
        // alone, and their comment reaches no customer surface.
        await changeStatus(t.s.commands, agent(), id, 'solved');
        await t.s.bus.drain();
        const survey = await t.s.db.m.getRepository(CsatSurvey).findOneBy({ ticketId: id });
        expect(survey?.state).toBe('sent');
        const link = new URL(surveyLinks(t.s.config, survey!).find((l) => l.name === 'okay')!.url);
        const comment = `RATE${run}Z`;
        const surveyPages = [
          await (await fetch(`${t.url}${link.pathname}${link.search}`)).text(),
          await (await fetch(`${t.url}${link.pathname}`, { method: 'POST', body: new URLSearchParams({ score: 'okay', comment }) })).text(),
        ];
        for (const page of surveyPages) {
          for (const token of all) expect({ via: 'csat page', token, shown: page.includes(token) }).toEqual({ via: 'csat page', token, shown: false });
          for (const tag of internal) expect({ via: 'csat page', tag, shown: page.includes(tag) }).toEqual({ via: 'csat page', tag, shown: false });
        }
        for (const w of ['anonymous', 'requester', 'other'] as const) {
          const headers: Record<string, string> = cookies[w] ? { cookie: cookies[w]! } : {};
          const page = await (await fetch(`${t.url}/t/${id}`, { headers })).text();
          const json = await (await fetch(`${t.url}/api/web/tickets/${id}`, { headers })).text();
          expect({ w, prompt: page.includes('data-csat-prompt') }).toEqual({ w, prompt: w === 'requester' });
          expect({ w, comment: page.includes(comment) || json.includes(comment) }).toEqual({ w, comment: false });
        }
        const staffPage = await (await fetch(`${t.url}/api/tickets/${id}`, { headers: { authorization: `Bearer ${t.admin.token}` } })).text();
        expect({ agentSeesComment: staffPage.includes(comment) }).toEqual({ agentSeesComment: true });
      }),
      { numRuns: 25 },
    );
    // Twenty-five threads through every surface: on a busy machine that takes a while.
  }, 300_000);

  // Listened posts: the listening view, its JSON and its socket room are agents' only, and the
  // public ticket a post becomes (reply, take it private, convert; then notes and replies) shows
  // customers its public and participant posts only — never a note, nor why it is here (the
  // stream's name and query, staff information), on any page, JSON, socket or webhook.
  it('holds for listened posts and the tickets they become', async () => {
    const mastodon = await createInbox(t.s.db, Date.now(), { name: 'Listening replies', channel: 'mastodon', settings: { apiBaseUrl: 'http://127.0.0.1:9', accessToken: 'masto-token-audience', pollSeconds: 3600 } });
    type First = 'reply' | 'private' | 'convert' | 'dismiss' | 'spam' | 'wait';
    type Then = 'note' | 'public' | 'participants';
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<First>('reply', 'private', 'convert', 'dismiss', 'spam', 'wait'), fc.array(fc.constantFrom<Then>('note', 'public', 'participants'), { maxLength: 4 }), async (first, then) => {
        n++;
        const tok = (k: string) => `LST${n}${k}Z`;
        const stream = await t.s.db.write((m) => listeningStreamRepository.insert(m, {
          name: tok('stream'), platform: 'mastodon', query: { keywords: [tok('query')], phrases: [], hashtags: [], exclusions: [], language: null }, settings: { inboxId: mastodon.id },
          enabled: false, pollSeconds: 60, cursor: null, lastPolledAt: null, lastError: null, nextPollAt: null, createdBy: null, createdAt: 1, updatedAt: 1,
        }));
        const authorId = `90${n}`;
        const itemId = await t.s.db.write(async (m) => (await listeningItemRepository.upsertMatchedPost(m, {
          platform: 'mastodon', externalId: `5500${n}`, authorId, authorHandle: `lis${n}@fake.social`, authorName: `Lis ${n}`, authorUrl: null, authorFollowers: 4200,
          text: `${tok('post')} my router keeps dropping`, language: 'en', url: null, postedAt: Date.now(), raw: { id: `5500${n}`, visibility: 'public' },
        }, stream.id, tok('query'), Date.now())).itemId);
        // Who may read what, by audience: the post itself is public.
        const model: { token: string; audience: 'public' | 'participants' | 'staff' }[] = [{ token: tok('post'), audience: 'public' }];
        const staffOnly = [tok('stream'), tok('query')];
        const strangerSockets = [await connectSocket(t), await connectSocket(t, { cookie: otherCookie })];
        const strangerRecs = strangerSockets.map(recordEvents);
        for (const so of strangerSockets) expect({ via: 'listening room', ok: (await so.timeout(5000).emitWithAck('listening:join', {})).ok }).toEqual({ via: 'listening room', ok: false });

        let ticketId: number | null = null;
        if (first === 'reply' || first === 'private') {
          const out = await replyToItem(t.s, agent(), itemId, { text: tok('pubreply'), privateText: first === 'private' ? tok('dm') : null });
          ticketId = out.ticket.id;
          model.push({ token: tok('pubreply'), audience: 'public' });
          if (first === 'private') model.push({ token: tok('dm'), audience: 'participants' });
        } else if (first === 'convert') {
          ticketId = (await convertItem(t.s, itemId, { by: { kind: 'agent', agentId: t.admin.id } })).id;
        } else if (first !== 'wait') {
          await dismissItems(t.s.db, Date.now(), [itemId], first === 'dismiss' ? 'dismissed' : 'spam');
        }
        if (ticketId !== null) {
          for (const [i, op] of then.entries()) {
            const token = tok(`then${i}`);
            if (op === 'note') await addNote(t.s.commands, agent(), ticketId, { text: token });
            else await addReply(t.s.commands, agent(), ticketId, { audience: op, text: token });
            model.push({ token, audience: op === 'note' ? 'staff' : op });
          }
        }
        await t.s.bus.drain();
        for (const so of strangerSockets) await joinTicket(so, 0);

        // The listening surfaces: the agent sees the post while it waits; nobody else ever does.
        const waiting = first === 'wait';
        const agentJson = JSON.stringify((await t.api('GET', '/api/listening/items?limit=200')).body);
        expect({ via: 'listening JSON (agent)', waiting, shown: agentJson.includes(tok('post')) }).toEqual({ via: 'listening JSON (agent)', waiting, shown: waiting });
        for (const cookie of [undefined, otherCookie]) {
          for (const [p, accept] of [['/api/listening/items', 'application/json'], ['/listening', 'text/html']]) {
            const res = await fetch(`${t.url}${p}`, { headers: { accept, ...(cookie ? { cookie } : {}) }, redirect: 'manual' });
            const body = await res.text();
            expect({ p, cookie: !!cookie, ok: res.status < 300, leaked: body.includes(tok('post')) }).toEqual({ p, cookie: !!cookie, ok: false, leaked: false });
          }
        }
        for (const rec of strangerRecs) expect({ via: 'socket', listening: rec.events.filter(([name]) => name.startsWith('listening')).length }).toEqual({ via: 'socket', listening: 0 });
        if (ticketId === null) {
          for (const so of strangerSockets) so.close();
          return;
        }

        // The ticket: public, its "why" for agents only.
        const requesterId = (await contactRepository.findIdentity(t.s.db.m, 'mastodon', authorId))!.contactId;
        const requesterCookie = `chorus_sid=${(await t.s.sessions.create({ contactId: requesterId })).sid}`;
        const staffView = await (await fetch(`${t.url}/tickets/${ticketId}`, { headers: { cookie: await adminCookie() } })).text();
        expect({ via: 'agent ticket page', why: staffView.includes('Why is this here?') && staffView.includes(tok('stream')) }).toEqual({ via: 'agent ticket page', why: true });
        const viewers: [string, string | undefined, Set<string>][] = [
          ['anonymous', undefined, new Set(model.filter((m) => m.audience === 'public').map((m) => m.token))],
          ['other customer', otherCookie, new Set(model.filter((m) => m.audience === 'public').map((m) => m.token))],
          ['post author', requesterCookie, new Set(model.filter((m) => m.audience !== 'staff').map((m) => m.token))],
        ];
        for (const [who, cookie, may] of viewers) {
          const headers: Record<string, string> = cookie ? { cookie } : {};
          const bodies = [await (await fetch(`${t.url}/t/${ticketId}`, { headers })).text(), await (await fetch(`${t.url}/api/web/tickets/${ticketId}`, { headers })).text()];
          for (const [via, body] of [['html', bodies[0]], ['json', bodies[1]]] as const) {
            for (const m of model) expect({ who, via, token: m.token, shown: body.includes(m.token) }).toEqual({ who, via, token: m.token, shown: may.has(m.token) });
            for (const token of staffOnly) expect({ who, via, token, shown: body.includes(token) }).toEqual({ who, via, token, shown: false });
          }
        }
        // The author's own export from /my: their posts, never a note nor why the ticket exists.
        const zip = await fetch(`${t.url}/my/tickets/${ticketId}/export.zip`, { headers: { cookie: requesterCookie } });
        expect({ via: 'export', status: zip.status }).toEqual({ via: 'export', status: 200 });
        const exported = [...(await readZip(Buffer.from(await zip.arrayBuffer()))).values()].map((b) => b.toString('utf8')).join('\n');
        for (const m of model) expect({ via: 'export', token: m.token, shown: exported.includes(m.token) }).toEqual({ via: 'export', token: m.token, shown: m.audience !== 'staff' });
        for (const token of staffOnly) expect({ via: 'export', token, shown: exported.includes(token) }).toEqual({ via: 'export', token, shown: false });
        await until('webhook deliveries to leave', async () => (await t.s.db.m.getRepository(OutboxItem).countBy({ kind: 'webhook', state: 'queued' })) === 0);
        for (const a of ['public', 'participants'] as const) {
          const seen = hooks[a].calls.filter((c) => c.body?.data?.ticket?.id === ticketId).map((c) => c.raw).join('\n');
          for (const m of model) if (m.audience === 'staff' || (a === 'public' && m.audience === 'participants')) expect({ a, via: 'webhook', token: m.token, leaked: seen.includes(m.token) }).toEqual({ a, via: 'webhook', token: m.token, leaked: false });
          for (const token of staffOnly) expect({ a, via: 'webhook', token, leaked: seen.includes(token) }).toEqual({ a, via: 'webhook', token, leaked: false });
        }
        for (const [i, rec] of strangerRecs.entries()) {
          const seen = JSON.stringify(rec.events);
          for (const token of [...staffOnly, ...model.filter((m) => m.audience !== 'public').map((m) => m.token)]) expect({ i, via: 'socket', token, leaked: seen.includes(token) }).toEqual({ i, via: 'socket', token, leaked: false });
        }
        for (const so of strangerSockets) so.close();
      }),
      { numRuns: 12 },
    );
  }, 300_000);

  let adminSid: string | null = null;
  async function adminCookie() {
    adminSid ??= (await t.s.sessions.create({ agentId: t.admin.id })).sid;
    return `chorus_sid=${adminSid}`;
  }
});
