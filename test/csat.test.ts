import type { ParsedMail } from 'mailparser';
import { EMAIL_RAW_TYPE, emailIdempotencyKey } from '../src/channels/email/email-key';
import { CsatSurvey, OutboxItem, ReportFact, TicketEvent } from '../src/db/entities';
import { createInbox } from '../src/inboxes/create-inbox';
import { runClusterJobOnce } from '../src/jobs/cluster-job';
import { sendDueSurveys } from '../src/csat/commands/send-survey';
import { signCsatToken, verifyCsatToken } from '../src/csat/csat-token';
import { mergeTicket } from '../src/tickets/commands/merge-ticket';
import { AgentClient } from './helpers/agent-client';
import { DB_KINDS, postRawEmail, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { signInByLink, WebClient } from './helpers/web-client';
import { until, waitFor } from './helpers/wait';
import { captureSmtp } from './helpers/smtp-capture';

const MIN = 60_000;
const DAY = 86_400_000;

describe.each(DB_KINDS)('customer satisfaction (%s)', (db) => {
  let t: TestChorus;
  let relay: Awaited<ReturnType<typeof captureSmtp>>;
  let inboxId: number;
  let delayedInboxId: number;
  let clock = Date.UTC(2026, 5, 1, 9, 0, 0);
  let n = 0;
  const advance = (ms: number) => (clock += ms);
  const mail = (from: string, subject: string, headers: Record<string, string> = {}) =>
    [`From: ${from}`, 'To: support@csat.test', `Subject: ${subject}`, `Message-ID: <c${++n}.${Math.random().toString(36).slice(2)}@client.test>`, 'Date: Mon, 1 Jun 2026 09:00:00 +0000',
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', 'Please help me with this.', ''].join('\r\n');
  const open = async (from: string, subject: string, headers: Record<string, string> = {}, inbox = inboxId) => (await postRawEmail(t, inbox, mail(from, subject, headers))).ticketId;
  const solve = async (id: number) => {
    const r = await t.api('PATCH', `/api/tickets/${id}`, { status: 'solved' });
    expect(r.status).toBe(200);
    await t.s.bus.drain();
  };
  const surveys = (ticketId: number) => t.s.db.m.getRepository(CsatSurvey).find({ where: { ticketId }, order: { id: 'ASC' } });
  const csatFacts = (ticketId: number) => t.s.db.m.getRepository(ReportFact).find({ where: [{ ticketId, kind: 'csat' }, { ticketId, kind: 'csat_sent' }], order: { id: 'ASC' } });
  const events = async (ticketId: number) => (await t.s.db.m.getRepository(TicketEvent).find({ where: { ticketId }, order: { id: 'ASC' } })).filter((e) => e.type.startsWith('csat.'));
  const surveyMail = (ticketId: number) => waitFor(() => relay.mails.find((m) => m.subject === `How did we do? [#${ticketId}] ${subjects.get(ticketId)}`), (m) => !!m);
  const subjects = new Map<number, string>();
  const openAndRemember = async (from: string, subject: string, headers: Record<string, string> = {}, inbox = inboxId) => {
    const id = await open(from, subject, headers, inbox);
    subjects.set(id, subject);
    return id;
  };
  const linksOf = (m: ParsedMail) => Object.fromEntries([...String(m.text).matchAll(/^(Good|Okay|Bad): (\S+)$/gm)].map((x) => [x[1].toLowerCase(), new URL(x[2])]));
  const get = async (url: URL | string) => {
    const u = typeof url === 'string' ? new URL(url, t.url) : url;
    const res = await fetch(`${t.url}${u.pathname}${u.search}`, { redirect: 'manual' });
    return { status: res.status, html: await res.text() };
  };

  beforeAll(async () => {
    relay = await captureSmtp();
    t = await startTestChorus({ db, now: () => clock, env: { SMTP_URL: `smtp://127.0.0.1:${relay.port}`, CHORUS_CSAT_SWEEP_MS: '3600000' } });
    inboxId = (await createInbox(t.s.db, clock, { name: 'Support', channel: 'email', address: 'support@csat.test' })).id;
    delayedInboxId = (await createInbox(t.s.db, clock, { name: 'Later', channel: 'email', address: 'later@csat.test' })).id;
    // Turned on through the API an admin uses.
    const on = await t.api('PATCH', `/api/inboxes/${inboxId}`, { settings: { csat: { enabled: true } } });
    expect(on.status).toBe(200);
    const bad = await t.api('PATCH', `/api/inboxes/${inboxId}`, { settings: { csat: { enabled: true, delayMinutes: -5 } } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('settings.csat.delayMinutes');
    await t.api('PATCH', `/api/inboxes/${delayedInboxId}`, { settings: { csat: { enabled: true, delayMinutes: 60, perContactHours: 0 } } });
  });
  afterAll(async () => {
    await t?.stop();
    await relay?.close();
  });

  it('e-mails the requester through a real SMTP relay when the ticket is solved; one click rates, once; a changed mind updates; a comment lands on the ticket (staff only)', async () => {
    const received: unknown[] = [];
    t.s.bus.on('csat.received', (p) => void received.push(p));
    const id = await openAndRemember('Grace Hopper <grace@example.com>', 'Invoice is wrong');
    await t.api('POST', `/api/tickets/${id}/notes`, { text: 'STAFF ONLY: she is on the old plan' });
    await solve(id);
    const m = (await surveyMail(id))!;
    expect(m).toBeDefined();
    expect((m.to as any).value[0].address).toBe('grace@example.com');
    expect(m.headers.get('auto-submitted')).toBe('auto-generated');
    expect(m.text).not.toContain('STAFF ONLY');
    const links = linksOf(m);
    expect(Object.keys(links).sort()).toEqual(['bad', 'good', 'okay']);
    const [survey] = await surveys(id);
    expect(survey).toMatchObject({ state: 'sent', via: 'email,web', contactId: expect.any(Number) });
    expect(survey.expiresAt).toBe(survey.sentAt! + 30 * DAY);
    expect((await csatFacts(id)).map((f) => [f.kind, f.value])).toEqual([['csat_sent', null]]);

    const first = await get(links.good);
    expect(first.status).toBe(200);
    expect(first.html).toContain('data-csat-rated="good"');
    expect(first.html).not.toContain('STAFF ONLY');
    // The same link again records nothing new.
    expect((await get(links.good)).status).toBe(200);
    expect((await csatFacts(id)).map((f) => [f.kind, f.value])).toEqual([['csat_sent', null], ['csat', 3]]);
    expect((await events(id)).map((e) => e.type)).toEqual(['csat.requested', 'csat.rated']);

    // A changed mind: the rating and its fact change, no second fact.
    const changed = await get(links.bad);
    expect(changed.html).toContain('data-csat-rated="bad"');
    expect(changed.html).toContain('changed from Good');
    expect((await csatFacts(id)).map((f) => [f.kind, f.value])).toEqual([['csat_sent', null], ['csat', 1]]);

    // The page's form adds a comment (no sign-in needed: the link is the permission).
    const token = links.bad.pathname.split('/').pop()!;
    const res = await fetch(`${t.url}/csat/${token}`, { method: 'POST', body: new URLSearchParams({ score: 'bad', comment: 'Took three days to fix' }), redirect: 'manual' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Your comment was saved');
    expect((await surveys(id))[0]).toMatchObject({ score: 1, comment: 'Took three days to fix' });
    expect((await events(id)).map((e) => e.type)).toEqual(['csat.requested', 'csat.rated', 'csat.changed', 'csat.commented']);
    await t.s.bus.drain();
    expect(received).toEqual([
      { ticketId: id, ratingId: survey.id, score: 3, comment: null, previousScore: null },
      { ticketId: id, ratingId: survey.id, score: 1, comment: null, previousScore: 3 },
      { ticketId: id, ratingId: survey.id, score: 1, comment: 'Took three days to fix', previousScore: 1 },
    ]);

    const agent = new AgentClient(t);
    await agent.signIn(t.admin.email, t.admin.password);
    const page = await agent.get(`/tickets/${id}`);
    expect(page.html).toContain('data-csat');
    expect(page.html).toContain('Rated Bad');
    expect(page.html).toContain('Took three days to fix');
    expect(page.html).toContain('Customer changed their rating Good → Bad');
  });

  it('refuses a tampered link, a link pointed at another ticket, and an expired one, each with a page that explains', async () => {
    const id = await openAndRemember('Ada <ada@example.com>', 'Cannot log in');
    const other = await openAndRemember('Alan <alan@example.com>', 'Other question');
    await solve(id);
    const links = linksOf((await surveyMail(id))!);
    const token = links.good.pathname.split('/').pop()!;
    const claims = verifyCsatToken(t.s.config.secret, token)!;
    expect(claims.ticketId).toBe(id);

    const flipped = token.slice(0, -1) + (token.endsWith('0') ? '1' : '0');
    const tampered = await get(`/csat/${flipped}?score=good`);
    expect(tampered.status).toBe(404);
    expect(tampered.html).toContain('This rating link is not valid');
    // Another ticket's number in a link keeps the old signature: refused.
    const moved = token.replace(`-${id}-`, `-${other}-`);
    expect((await get(`/csat/${moved}?score=bad`)).status).toBe(404);
    // Even correctly signed (as with a leaked secret), a survey answers only for its own ticket.
    const forged = signCsatToken(t.s.config.secret, { ...claims, ticketId: other });
    expect((await get(`/csat/${forged}?score=bad`)).status).toBe(404);
    expect((await surveys(id))[0].score).toBeNull();
    expect(await surveys(other)).toEqual([]);

    advance(30 * DAY + MIN);
    const expired = await get(links.good);
    expect(expired.status).toBe(410);
    expect(expired.html).toContain('This rating link has expired');
    expect((await surveys(id))[0].score).toBeNull();
    expect((await csatFacts(id)).filter((f) => f.kind === 'csat')).toEqual([]);
  });

  it('never asks about automatic mail, imported history or a merged ticket', async () => {
    const auto = await openAndRemember('Otto <otto@example.com>', 'Out of office', { 'Auto-Submitted': 'auto-replied' });
    expect((await t.api('GET', `/api/tickets/${auto}`)).body.ticket.automatic).toBeTruthy();
    await solve(auto);
    expect(await surveys(auto)).toEqual([]);

    const raw = mail('Old Customer <old@example.com>', 'From the archive');
    const [imported] = await t.s.ingest.ingest((await t.s.db.m.query(`SELECT * FROM inboxes WHERE id = ${inboxId}`)).map((r: any) => ({ ...r, settings: JSON.parse(r.settings) }))[0], [{ key: emailIdempotencyKey(Buffer.from(raw)), raw, rawType: EMAIL_RAW_TYPE, historic: true }]);
    await solve(imported.ticketId!);
    expect(await surveys(imported.ticketId!)).toEqual([]);

    // Solved, then merged before its delayed survey went out: skipped, and the ticket says why.
    const a = await openAndRemember('Mia <mia@example.com>', 'Duplicate question', {}, delayedInboxId);
    const b = await openAndRemember('Mia <mia@example.com>', 'Same question again', {}, delayedInboxId);
    await solve(a);
    expect((await surveys(a))[0].state).toBe('scheduled');
    await mergeTicket(t.s.commands, { kind: 'agent', agentId: t.admin.id, role: 'admin', name: 'Ada Admin' }, a, b);
    advance(61 * MIN);
    await sendDueSurveys(t.s, clock);
    expect((await surveys(a))[0]).toMatchObject({ state: 'skipped', skipReason: 'not asked: merged into another ticket' });
    const outbox = await t.s.db.m.getRepository(OutboxItem).find({ where: [{ ticketId: auto, kind: 'email.csat' }, { ticketId: imported.ticketId!, kind: 'email.csat' }, { ticketId: a, kind: 'email.csat' }] });
    expect(outbox).toEqual([]);
  });

  it('sends a delayed survey once, from the cluster job, and not at all when the ticket was reopened first', async () => {
    const id = await openAndRemember('Lin <lin@example.com>', 'Slow page', {}, delayedInboxId);
    await solve(id);
    expect((await surveys(id))[0]).toMatchObject({ state: 'scheduled', dueAt: clock + 60 * MIN });
    advance(59 * MIN);
    await runClusterJobOnce(t.s, 'csat-surveys', (now) => sendDueSurveys(t.s, now).then(() => undefined));
    expect((await surveys(id))[0].state).toBe('scheduled');
    advance(2 * MIN);
    expect(await runClusterJobOnce(t.s, 'csat-surveys', (now) => sendDueSurveys(t.s, now).then(() => undefined))).toBe(true);
    expect((await surveys(id))[0].state).toBe('sent');
    await sendDueSurveys(t.s, clock);
    expect(await t.s.db.m.getRepository(OutboxItem).count({ where: { ticketId: id, kind: 'email.csat' } })).toBe(1);
    await surveyMail(id);

    const reopened = await openAndRemember('Noor <noor@example.com>', 'Wrong size', {}, delayedInboxId);
    await solve(reopened);
    await t.api('PATCH', `/api/tickets/${reopened}`, { status: 'open' });
    advance(61 * MIN);
    await sendDueSurveys(t.s, clock);
    expect((await surveys(reopened))[0]).toMatchObject({ state: 'skipped', skipReason: 'the ticket was reopened before the survey went out' });
    expect((await events(reopened)).map((e) => e.type)).toEqual(['csat.skipped']);
  });

  it('asks one person at most once per 24 hours, whatever the ticket', async () => {
    const one = await openAndRemember('Pat <pat@example.com>', 'First thing');
    const two = await openAndRemember('Pat <pat@example.com>', 'Second thing');
    await solve(one);
    await solve(two);
    expect((await surveys(one))[0].state).toBe('sent');
    expect((await surveys(two))[0]).toMatchObject({ state: 'skipped', skipReason: 'the customer was already asked within the last 24 h' });
    advance(DAY + MIN);
    const three = await openAndRemember('Pat <pat@example.com>', 'Third thing');
    await solve(three);
    expect((await surveys(three))[0].state).toBe('sent');
  });

  it('shows the rating prompt on the requester\'s web thread and in My tickets, to nobody else', async () => {
    const id = await openAndRemember('Web Person <webby@example.com>', 'Where is my order');
    await solve(id);
    const me = await signInByLink(t, 'webby@example.com');
    const thread = await me.get(`/t/${id}`);
    expect(thread.html).toContain('data-csat-prompt');
    const rate = /href="(\/csat\/[^"?]+)\?score(?:=|&#x3D;)okay"/.exec(thread.html)![1] + '?score=okay';
    expect((await me.get('/my')).html).toContain('Rate us');
    const done = await me.get(rate);
    expect(done.html).toContain('data-csat-rated="okay"');
    expect((await me.get(`/t/${id}`)).html).toContain('You rated this conversation <strong>Okay</strong>');
    expect((await me.get('/my')).html).not.toContain('Rate us');
    // Signed out, or someone else: no prompt.
    expect((await new WebClient(t).get(`/t/${id}`)).html).not.toContain('data-csat-prompt');
    const stranger = await signInByLink(t, 'someone@example.com');
    expect((await stranger.get(`/t/${id}`)).html).not.toContain('data-csat-prompt');
  });
});
