import type { InboundMessage } from '../src/channels/inbound-message';
import { WEBFORM_RAW_TYPE } from '../src/channels/webform/webform-settings.schema';
import { askQuestion } from '../src/community/community.service';
import { mergeContacts } from '../src/contacts/commands/merge-contacts';
import { createAgent } from '../src/agents/create-agent';
import { createCalendar } from '../src/automation/calendars/save-calendar';
import { Team, Ticket } from '../src/db/entities';
import { agentRepository } from '../src/db/repositories/agent.repository';
import { contactRepository } from '../src/db/repositories/contact.repository';
import { reportFactRepository } from '../src/db/repositories/report-fact.repository';
import { ticketEventRepository } from '../src/db/repositories/ticket-event.repository';
import { createInbox } from '../src/inboxes/create-inbox';
import { backfillFacts } from '../src/reports/backfill';
import { acceptAnswer } from '../src/tickets/commands/accept-answer';
import { addNote } from '../src/tickets/commands/add-note';
import { addReply } from '../src/tickets/commands/add-reply';
import { changeStatus } from '../src/tickets/commands/change-status';
import { mentionAgents } from '../src/tickets/commands/mention-agents';
import { contactReply } from '../src/tickets/commands/contact-reply';
import { mergeTicket } from '../src/tickets/commands/merge-ticket';
import { splitTicket } from '../src/tickets/commands/split-ticket';
import { undoTicketEvent } from '../src/tickets/commands/undo-ticket-event';
import { AgentClient } from './helpers/agent-client';
import { DB_KINDS, apiInbox, postSigned, startTestChorus, type TestChorus, jsonChannelModule } from './helpers/test-chorus';

// One small support week played through the real doors (mail, the web form, the API, X, the
// community ask form) and the ticket commands, then every number of every report view checked
// against the answer worked out by hand below, in the JSON, the CSV and the page.
//
// The report period is Mon 2026-03-09 … Wed 2026-03-11 (UTC); the previous one is 03-06 … 03-08.
// "Now" is Wed 03-11 18:00. Agents: Ada (admin) and Bo. The e-mail inbox's team is Tier 1; the e-mail inbox
// keeps office hours, Mon–Fri 09:00–17:00 Europe/Berlin (UTC+1 in March: 08:00–16:00 UTC). No other inbox has a calendar.
//
//  P1  e-mail, Pat      03-06 10:00 mails · 11:00 Ada replies (first response 60 min) · 03-09 09:00 Ada solves (resolution 71 h = 4260 min)
//  E   e-mail, Ann      03-09 09:00 mails · 09:30 Ada replies and solves (FR 30, resolution 30) · 10:00 Ada notes, mentioning @bo
//                       12:00 Ann answers: reopened · 13:00 Bo replies and solves (resolution 240, from creation; answers the mention after 180 min)
//  W   web form, Wes    03-09 10:00 · 11:00 Bo replies (FR 60) · stays open
//  A1  API, Pia         03-09 14:00 · A2 (API, Pia) 14:10 · 14:20 Ada merges A2 into A1 (A2 counts as new, and is closed by the merge)
//                       15:00 Ada replies on A1 (FR 60) · 16:00 Ada solves A1 (resolution 120)
//  Q   community, Cleo  03-10 08:00 asks · 08:45 member @dev answers (first community answer 45 min; the question waited 45 min)
//                       09:00 Cleo accepts @dev's answer: solved (resolution 60) with no agent reply (deflection)
//  S   e-mail, Sam      03-10 09:00 mails · 09:30 writes again in the thread · 10:00 Bo splits that message out as S2 (new at 10:00)
//                       10:30 Bo replies on S2 (FR 30 from the split) · both stay open
//                       Wed 09:00 Ada replies on S (FR 24 h; in business hours Tue 09:00–16:00 + Wed 08:00–09:00 UTC = 8 h)
//  W2  web form, Wes    03-10 13:00 · 13:10 Bo merges W2 into W · 13:20 Bo undoes the merge · 14:00 Bo replies on W2 (FR 60)
//  G   X, Xena (4,000 followers) 03-10 20:00 posts · 22:00 posts again · 03-11 02:00 Ada answers publicly (FR 360; waits 6 h and 4 h)
//  Q2  community, Eli   03-11 10:00 asks · 11:00 Ada answers publicly (FR 60; waited 60 min) · 11:30 member "Devon" answers (first community answer 90 min)
//                       12:00 Eli accepts Devon's answer: solved (resolution 120), not a deflection (Ada replied)
//  H   X, Hal (250 followers) 03-11 12:00 posts "=HYPERLINK(…)" · nobody answers: still waiting at now (6 h)
//  Contact merge: 03-11 17:00 Ada merges "Devon" into "@dev" (one person, two logins).

const RAW = 'test.fixture';
const fixtureParsers = jsonChannelModule(RAW);

const M = 60_000;
const at = (day: number, hh: number, mm = 0) => Date.UTC(2026, 2, day, hh, mm);
const NOW = at(11, 18);
const RANGE = 'range=custom&from=2026-03-09&to=2026-03-11';

describe.each(DB_KINDS)('reports over a hand-computed week (%s)', (db) => {
  let t: TestChorus;
  let clock = at(6, 9);
  const ids: Record<string, number> = {};
  let n = 0;

  beforeAll(async () => {
    const { modules } = await import('../src/modules');
    t = await startTestChorus({ db, modules: [...modules, fixtureParsers as never], now: () => clock });
    const s = t.s;
    const m = s.db.m;
    const set = (when: number) => (clock = when);
    await agentRepository.update(m, t.admin.id, { name: 'Ada' });
    const ada = { kind: 'agent' as const, agentId: t.admin.id, role: 'admin' as const, name: 'Ada' };
    const boId = (await createAgent(s.db, clock, { email: 'bo@chorus.test', name: 'Bo', password: 'correct horse', role: 'agent' })).id;
    const bo = { kind: 'agent' as const, agentId: boId, role: 'agent' as const, name: 'Bo' };
    const team = await agentRepository.insertTeam(m, 'Tier 1', clock);
    const hours = [{ from: '09:00', to: '17:00' }];
    const office = await createCalendar(s.db, clock, { name: 'Office', timeZone: 'Europe/Berlin', weekly: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours } });
    const mail = await createInbox(s.db, clock, { name: 'Support', channel: 'email', address: 'support@acme.test', defaultTeamId: team, calendarId: office.id });
    const form = await createInbox(s.db, clock, { name: 'Contact us', channel: 'webform', settings: { slug: 'contact', title: 'Contact us' } });
    const api = await apiInbox(t);
    const x = await createInbox(s.db, clock, { name: '@acme', channel: 'x', settings: { accountId: '999', bearerToken: 'test-bearer-token', apiBaseUrl: 'http://127.0.0.1:9' } });

    const ingest = async (inbox: typeof mail, msg: Partial<InboundMessage> & { author: InboundMessage['author'] }) =>
      (await s.ingest.ingest(inbox, [{ key: `fx${++n}`, raw: JSON.stringify({ channel: inbox.channel, text: 'hello', receivedAt: clock, ...msg }), rawType: RAW }]))[0];
    const mailFrom = (from: string, subject: string, extra: Partial<InboundMessage> = {}) => ingest(mail, { author: { kind: 'email', value: from }, subject, ...extra });
    const post = (who: { id: string; handle: string; followers: number }, key: string, text: string, subject?: string) =>
      ingest(x, { author: { kind: 'x', value: who.id, handle: who.handle, followers: who.followers }, audienceHint: 'public', threadKey: key, externalId: `${key}:${++n}`, text, ...(subject ? { subject } : {}) });
    const submitForm = async (email: string, subject: string) => {
      const sub = { submissionId: `form-${++n}-submission`, name: 'Wes', email, subject, message: 'Please call me back.', custom: [], attachments: [], submittedAt: clock, visibility: 'private', markdown: false, verified: false };
      return (await s.ingest.ingest(form, [{ key: `webform:fx${n}`, raw: JSON.stringify(sub), rawType: WEBFORM_RAW_TYPE }]))[0];
    };
    const member = async (name: string, email: string) => {
      const id = await s.db.write(async (wm) => {
        const c = await contactRepository.create(wm, name, clock);
        await contactRepository.addIdentity(wm, c, { kind: 'email', value: email, verified: true }, clock);
        return c;
      });
      return { kind: 'contact' as const, contactId: id, name };
    };
    const merged = async (ticketId: number) => (await ticketEventRepository.listByTicket(m, ticketId)).find((e) => e.type === 'merged')!;

    // The previous period.
    set(at(6, 10));
    ids.P1 = (await mailFrom('pat@x.test', 'Cannot log in', { emailMessageId: '<p1@x.test>' })).ticketId!;
    set(at(6, 11));
    await addReply(s.commands, ada, ids.P1, { audience: 'participants', text: 'Reset it here.' });

    // Monday.
    set(at(9, 9));
    await changeStatus(s.commands, ada, ids.P1, 'solved');
    ids.E = (await mailFrom('ann@x.test', 'Invoice wrong', { emailMessageId: '<e1@x.test>' })).ticketId!;
    set(at(9, 9, 30));
    await addReply(s.commands, ada, ids.E, { audience: 'participants', text: 'Fixed.', status: 'solved' });
    set(at(9, 10));
    const note = await addNote(s.commands, ada, ids.E, { text: '@bo old plan' });
    await mentionAgents({ ...s.commands, publicUrl: t.url }, ada, ids.E, note.id, note.text);
    ids.W = (await submitForm('wes@x.test', 'Call me')).ticketId!;
    set(at(9, 11));
    await addReply(s.commands, bo, ids.W, { audience: 'participants', text: 'Calling.' });
    set(at(9, 12));
    expect((await mailFrom('ann@x.test', 'Re: Invoice wrong', { emailMessageId: '<e2@x.test>', inReplyTo: ['<e1@x.test>'] })).ticketId).toBe(ids.E);
    set(at(9, 13));
    await addReply(s.commands, bo, ids.E, { audience: 'participants', text: 'Fixed again.', status: 'solved' });
    set(at(9, 14));
    ids.A1 = (await postSigned(t, api, { externalId: 'a1', threadKey: 'order-1', author: { id: 'pia', email: 'pia@x.test', name: 'Pia' }, subject: 'Order late', text: 'Where is it?' })).body.ticketId;
    set(at(9, 14, 10));
    ids.A2 = (await postSigned(t, api, { externalId: 'a2', threadKey: 'order-1-again', author: { id: 'pia', email: 'pia@x.test', name: 'Pia' }, subject: 'Order late!', text: 'Hello?' })).body.ticketId;
    set(at(9, 14, 20));
    await mergeTicket(s.commands, ada, ids.A2, ids.A1);
    set(at(9, 15));
    await addReply(s.commands, ada, ids.A1, { audience: 'participants', text: 'On its way.' });
    set(at(9, 16));
    await changeStatus(s.commands, ada, ids.A1, 'solved');

    // Tuesday.
    const dev = await member('@dev', 'dev@x.test');
    const cleo = await member('Cleo', 'cleo@x.test');
    set(at(10, 8));
    ids.Q = await askQuestion(s, cleo, { title: 'How do I export?', body: 'Looking for CSV.', tags: [], private: false });
    set(at(10, 8, 45));
    const devAnswer = await contactReply(s.commands, dev, ids.Q, { text: 'Settings, Export.' });
    set(at(10, 9));
    await acceptAnswer(s.commands, cleo, ids.Q, devAnswer.id);
    ids.S = (await mailFrom('sam@x.test', 'Password', { emailMessageId: '<s1@x.test>' })).ticketId!;
    set(at(10, 9, 30));
    const second = await mailFrom('sam@x.test', 'Re: Password', { emailMessageId: '<s2@x.test>', inReplyTo: ['<s1@x.test>'], text: 'And a new question' });
    expect(second.ticketId).toBe(ids.S);
    set(at(10, 10));
    ids.S2 = (await splitTicket(s.commands, bo, ids.S, [second.messageId!])).newTicketId;
    set(at(10, 10, 30));
    await addReply(s.commands, bo, ids.S2, { audience: 'participants', text: 'About your new question.' });
    set(at(10, 13));
    ids.W2 = (await submitForm('wes@x.test', 'Call me, again')).ticketId!;
    set(at(10, 13, 10));
    await mergeTicket(s.commands, bo, ids.W2, ids.W);
    set(at(10, 13, 20));
    await undoTicketEvent(s.commands, bo, ids.W, (await merged(ids.W)).id);
    set(at(10, 14));
    await addReply(s.commands, bo, ids.W2, { audience: 'participants', text: 'Calling again.' });
    const xena = { id: '201', handle: 'xena', followers: 4000 };
    set(at(10, 20));
    ids.G = (await post(xena, 'post:g', 'Your app ate my order', 'Your app ate my order')).ticketId!;
    set(at(10, 22));
    expect((await post(xena, 'post:g', 'Still nothing?')).ticketId).toBe(ids.G);

    // Wednesday.
    set(at(11, 2));
    await addReply(s.commands, ada, ids.G, { audience: 'public', text: 'Sorry, refunded.' });
    set(at(11, 9));
    await addReply(s.commands, ada, ids.S, { audience: 'participants', text: 'About your password.' });
    const eli = await member('Eli', 'eli@x.test');
    const devon = await member('Devon', 'devon@work.test');
    set(at(11, 10));
    ids.Q2 = await askQuestion(s, eli, { title: 'Is there an API limit?', body: 'How many calls?', tags: [], private: false });
    set(at(11, 11));
    await addReply(s.commands, ada, ids.Q2, { audience: 'public', text: '100 a minute.' });
    set(at(11, 11, 30));
    const devonAnswer = await contactReply(s.commands, devon, ids.Q2, { text: 'And 10,000 a day.' });
    set(at(11, 12));
    await acceptAnswer(s.commands, eli, ids.Q2, devonAnswer.id);
    ids.H = (await post({ id: '202', handle: 'hal', followers: 250 }, 'post:h', 'Click =HYPERLINK', '=HYPERLINK("http://evil")')).ticketId!;
    set(at(11, 17));
    await mergeContacts(s.commands, ada, devon.contactId, dev.contactId);
    // Visitors about to ask said a suggested solved question answered them: two in the period
    // (both on Q2, solved), one the day before it.
    const answeredMe = async (when: number) => {
      set(when);
      const r = await fetch(`${t.url}/community/questions/${ids.Q2}/answered-me`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ from: 'community' }) });
      expect(r.status).toBe(201);
    };
    await answeredMe(at(8, 12));
    await answeredMe(at(11, 18));
    await answeredMe(at(11, 19));
    set(NOW);
  });
  afterAll(async () => t?.stop());

  const json = async (view: string) => {
    const r = await t.api('GET', `/api/reports/${view}?${RANGE}`);
    expect(r.status).toBe(200);
    return r.body.tables as Record<string, { columns: { key: string; previous?: string }[]; rows: Record<string, unknown>[] }>;
  };
  // A JSON table's rows as value lists in the CSV's column order (each value, then its previous-period twin).
  const rowsOf = async (view: string, table: string) => {
    const tb = (await json(view))[table];
    const keys = tb.columns.flatMap((c) => (c.previous ? [c.key, c.previous] : [c.key]));
    return tb.rows.map((r) => keys.map((k) => r[k]));
  };
  const csv = async (view: string, table: string) => {
    const r = await fetch(`${t.url}/api/reports/${view}/${table}.csv?${RANGE}`, { headers: { authorization: `Bearer ${t.admin.token}` } });
    expect(r.status).toBe(200);
    return (await r.text()).split('\r\n').slice(0, -1);
  };
  let agent: AgentClient | null = null;
  // What the page shows per table: [label, value] per summary tile, the cells of each row otherwise (change badges left out).
  const page = async (view: string) => {
    if (!agent) {
      agent = new AgentClient(t);
      await agent.signIn(t.admin.email, t.admin.password);
    }
    const r = await agent.get(`${view === 'overview' ? '/reports' : `/reports/${view}`}?${RANGE}`);
    expect(r.status).toBe(200);
    const text = (h: string) => h.replace(/<span class="delta[^"]*">[^<]*<\/span>/g, '').replace(/<[^>]+>/g, '').replace(/&quot;/g, '"').replace(/&#x3D;/g, '=').replace(/&#x27;/g, "'").replace(/&amp;/g, '&').trim();
    const out: Record<string, string[][]> = {};
    for (const [, name, body] of r.html.matchAll(/<section class="report-block" data-table="([^"]+)">([\s\S]*?)<\/section>/g)) {
      const tiles = [...body.matchAll(/<dt>([\s\S]*?)<\/dt><dd><span class="tile-value">([\s\S]*?)<\/span>/g)].map((x) => [text(x[1]), text(x[2])]);
      const rows = [...(/<tbody>([\s\S]*?)<\/tbody>/.exec(body)?.[1] ?? '').matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((tr) => [...tr[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((td) => text(td[1])));
      out[name] = tiles.length ? tiles : rows;
    }
    return out;
  };

  it('overview: new, replies, solved, reopened, backlog per day, first response and resolution', async () => {
    // New: E, W, A1, A2 (Mon) · Q, S, S2, W2, G (Tue) · Q2, H (Wed) = 11; before: P1.
    // Replies (agents, not notes): Mon E×2, W, A1 · Tue S2, W2 · Wed G, S, Q2 = 9; before: P1's.
    // Solved: Mon P1, E twice, A1 · Tue Q · Wed Q2 = 6. Reopened: E once.
    // Backlog: P1 open into Monday (1); Mon +4 new −4 solves −1 merged-away (A2) +1 reopen = 1 (W);
    // Tue +5 −1 = 5 (W, S, S2, W2, G); Wed +2 −1 = 6 (… and H).
    // First responses (min): E 30, W 60, A1 60, S2 30, W2 60, G 360, S 1440, Q2 60 → sorted 30 30 60 60 60 60 360 1440:
    // median (60+60)/2 = 60, p90 = the 8th of 8 = 1440; before: P1's 60.
    // In business hours (e-mail tickets only): E 30, S2 30, S 480 → median 30; before: P1 60 (Fri 10:00–11:00 UTC, open).
    // Resolutions (from creation): P1 4260, E 30 and 240, A1 120, Q 60, Q2 120 → 30 60 120 120 240 4260:
    // median 120, p90 = the 6th of 6 = 4260; before: none.
    // In business hours: E 30 and 240; P1 Fri 10:00–16:00 UTC (360) + the weekend (0) + Mon 08:00–09:00 (60) = 420 → median 240.
    expect(await rowsOf('overview', 'summary')).toEqual([
      ['New tickets', 'tickets', 11, 1, 10],
      ['Replies sent', 'replies', 9, 1, 8],
      ['Solved', 'tickets', 6, 0, 6],
      ['Reopened', 'tickets', 1, 0, 1],
      ['Backlog at end', 'tickets', 6, 1, 5],
      ['First response, median', 'minutes', 60, 60, 0],
      ['First response, median in business hours', 'minutes', 30, 60, -30],
      ['First response, p90', 'minutes', 1440, 60, 1380],
      ['Resolution, median', 'minutes', 120, null, null],
      ['Resolution, median in business hours', 'minutes', 240, null, null],
      ['Resolution, p90', 'minutes', 4260, null, null],
    ]);
    expect(await csv('overview', 'summary')).toEqual([
      'Metric,Unit,This period,Previous period,Change',
      'New tickets,tickets,11,1,10', 'Replies sent,replies,9,1,8', 'Solved,tickets,6,0,6', 'Reopened,tickets,1,0,1', 'Backlog at end,tickets,6,1,5',
      '"First response, median",minutes,60,60,0', '"First response, median in business hours",minutes,30,60,-30', '"First response, p90",minutes,1440,60,1380',
      '"Resolution, median",minutes,120,,', '"Resolution, median in business hours",minutes,240,,', '"Resolution, p90",minutes,4260,,',
    ]);
    expect(await rowsOf('overview', 'daily')).toEqual([
      ['2026-03-09', 4, 4, 4, 1, 1],
      ['2026-03-10', 5, 2, 1, 0, 5],
      ['2026-03-11', 2, 3, 1, 0, 6],
    ]);
    expect(await csv('overview', 'daily')).toEqual(['Day,New,Replies,Solved,Reopened,Backlog at end of day', '2026-03-09,4,4,4,1,1', '2026-03-10,5,2,1,0,5', '2026-03-11,2,3,1,0,6']);
    expect(await page('overview')).toEqual({
      summary: [
        ['New tickets', '11'], ['Replies sent', '9'], ['Solved', '6'], ['Reopened', '1'], ['Backlog at end', '6'],
        ['First response, median', '1 h 00 min'], ['First response, median in business hours', '30 min'], ['First response, p90', '1 d 0 h'],
        ['Resolution, median', '2 h 00 min'], ['Resolution, median in business hours', '4 h 00 min'], ['Resolution, p90', '2 d 23 h'],
      ],
      daily: [['2026-03-09', '4', '4', '4', '1', '1'], ['2026-03-10', '5', '2', '1', '0', '5'], ['2026-03-11', '2', '3', '1', '0', '6']],
    });
  });

  it('channels: community questions count as Community (not Web form), each channel beside the previous period', async () => {
    // API: A1 and A2 new, A2 closed by the merge, A1 answered (60) and solved (120): backlog 0.
    // Community: Q and Q2, Ada answered Q2 (60), both solved (60, 120 → median 90, p90 120).
    // E-mail: E, S, S2 new (P1 before); replies E×2, S2, S (P1's before); solved P1 and E twice; E reopened;
    //   backlog S and S2 (P1 before); first responses 30, 30, 1440 → median 30, p90 1440 (before 60); resolutions 30, 240, 4260.
    // Web form: W and W2, both answered after 60 min by Bo, both open. X: G and H, G answered after 360 min, both open.
    expect(await rowsOf('channels', 'channels')).toEqual([
      ['API', 2, 0, 1, 0, 1, 0, 0, 0, 0, 0, 60, null, 60, null, 120, null, 120, null],
      ['Community', 2, 0, 1, 0, 2, 0, 0, 0, 0, 0, 60, null, 60, null, 90, null, 120, null],
      ['E-mail', 3, 1, 4, 1, 3, 0, 1, 0, 2, 1, 30, 60, 1440, 60, 240, null, 4260, null],
      ['Web form', 2, 0, 2, 0, 0, 0, 0, 0, 2, 0, 60, null, 60, null, null, null, null, null],
      ['X', 2, 0, 1, 0, 0, 0, 0, 0, 2, 0, 360, null, 360, null, null, null, null, null],
    ]);
    expect(await csv('channels', 'channels')).toEqual([
      'Channel,New,New (previous period),Replies,Replies (previous period),Solved,Solved (previous period),Reopened,Reopened (previous period),Backlog at end,Backlog at end (previous period),First response median,First response median (previous period),First response p90,First response p90 (previous period),Resolution median,Resolution median (previous period),Resolution p90,Resolution p90 (previous period)',
      'API,2,0,1,0,1,0,0,0,0,0,60,,60,,120,,120,',
      'Community,2,0,1,0,2,0,0,0,0,0,60,,60,,90,,120,',
      'E-mail,3,1,4,1,3,0,1,0,2,1,30,60,1440,60,240,,4260,',
      'Web form,2,0,2,0,0,0,0,0,2,0,60,,60,,,,,',
      'X,2,0,1,0,0,0,0,0,2,0,360,,360,,,,,',
    ]);
    expect(await page('channels')).toEqual({
      channels: [
        ['API', '2', '1', '1', '0', '0', '1 h 00 min', '1 h 00 min', '2 h 00 min', '2 h 00 min'],
        ['Community', '2', '1', '2', '0', '0', '1 h 00 min', '1 h 00 min', '1 h 30 min', '2 h 00 min'],
        ['E-mail', '3', '4', '3', '1', '2', '30 min', '1 d 0 h', '4 h 00 min', '2 d 23 h'],
        ['Web form', '2', '2', '0', '0', '2', '1 h 00 min', '1 h 00 min', '—', '—'],
        ['X', '2', '1', '0', '0', '2', '6 h 00 min', '6 h 00 min', '—', '—'],
      ],
    });
  });

  it('agents and teams: tickets handled, replies, solved, medians, notes', async () => {
    // Ada: P1 (solved), E (reply, solve, note), A1 (closing A2 by the merge, reply, solve), S, G, Q2 (replies) = 6 tickets,
    //   5 replies, 3 solves (P1, E, A1); first responses 30, 60, 360, 1440, 60 → median 60; resolutions 30, 120, 4260 → 120.
    // Bo: E (reply and solve), W, S2, W2 = 4 tickets, 4 replies, 1 solve (240); first responses 60, 30, 60 → median 60.
    // No satisfaction survey went out this week: no CSAT for anyone.
    // Mentions: Bo was mentioned once (E, 10:00) and answered with his reply at 13:00 (180 min); Ada never.
    // Tier 1 (the e-mail inbox): P1, E, S, S2; replies E×2, S, S2; solves P1, E×2; first responses 30, 30, 1440 → 30;
    //   resolutions 30, 240, 4260 → 240; Ada's note.
    expect(await rowsOf('agents', 'agents')).toEqual([['Ada', 6, 5, 3, 60, 120, 1, 0, 0, null, null, null, 0], ['Bo', 4, 4, 1, 60, 240, 0, 1, 1, 180, null, null, 0]]);
    expect(await rowsOf('agents', 'teams')).toEqual([['Tier 1', 4, 4, 3, 30, 240, 1]]);
    expect(await csv('agents', 'agents')).toEqual([
      'Agent,Tickets handled,Replies,Solved,First response median,Resolution median,Notes written,Mentions received,Mentions answered,"Time to answer a mention, median",CSAT (share Good),Average rating (1–3),CSAT ratings',
      'Ada,6,5,3,60,120,1,0,0,,,,0', 'Bo,4,4,1,60,240,0,1,1,180,,,0',
    ]);
    expect(await csv('agents', 'teams')).toEqual(['Team,Tickets handled,Replies,Solved,First response median,Resolution median,Notes written', 'Tier 1,4,4,3,30,240,1']);
    expect(await page('agents')).toEqual({
      agents: [['Ada', '6', '5', '3', '1 h 00 min', '2 h 00 min', '1', '0', '0', '—', '—', '—', '0'], ['Bo', '4', '4', '1', '1 h 00 min', '4 h 00 min', '0', '1', '1', '3 h 00 min', '—', '—', '0']],
      teams: [['Tier 1', '4', '4', '3', '30 min', '4 h 00 min', '1']],
    });
  });

  it('community: asked, answered by members, first answer, accepted, deflection, contributors after the contact merge', async () => {
    // Q and Q2 asked; members answered both (100 %); first member answers after 45 and 90 min → median 67.5, p90 90;
    // two accepted member answers; Q solved with no agent reply (1 of 2 solved: 50 %).
    // "Devon" was merged into "@dev": one contributor with both accepted answers (a name a spreadsheet must not run).
    expect(await rowsOf('community', 'summary')).toEqual([
      ['Questions asked', 'questions', 2, 0, 2],
      ['Answered by the community', 'percent', 100, null, null],
      ['Time to first community answer, median', 'minutes', 67.5, null, null],
      ['Time to first community answer, p90', 'minutes', 90, null, null],
      ['Accepted community answers', 'answers', 2, 0, 2],
      ['Solved with no agent reply (deflection)', 'questions', 1, 0, 1],
      ['Deflection share of solved', 'percent', 50, null, null],
      ['Answered by a suggestion before asking', 'questions', 2, 1, 1],
    ]);
    expect(await csv('community', 'summary')).toEqual([
      'Metric,Unit,This period,Previous period,Change',
      'Questions asked,questions,2,0,2', 'Answered by the community,percent,100,,', '"Time to first community answer, median",minutes,67.5,,',
      '"Time to first community answer, p90",minutes,90,,', 'Accepted community answers,answers,2,0,2', 'Solved with no agent reply (deflection),questions,1,0,1', 'Deflection share of solved,percent,50,,',
      'Answered by a suggestion before asking,questions,2,1,1',
    ]);
    expect(await rowsOf('community', 'contributors')).toEqual([['@dev', 2]]);
    expect(await csv('community', 'contributors')).toEqual(['Member,Accepted answers', "'@dev,2"]);
    expect(await page('community')).toEqual({
      summary: [
        ['Questions asked', '2'], ['Answered by the community', '100 %'], ['Time to first community answer, median', '1 h 08 min'],
        ['Time to first community answer, p90', '1 h 30 min'], ['Accepted community answers', '2'], ['Solved with no agent reply (deflection)', '1'], ['Deflection share of solved', '50 %'],
        ['Answered by a suggestion before asking', '2'],
      ],
      contributors: [['@dev', '2']],
    });
  });

  it('public exposure: reach × hours of answered posts and of the opening post still waiting', async () => {
    // Answered: Xena's two posts (4,000 followers) after 6 h and 4 h = 24,000 + 16,000; Cleo's and Eli's questions
    // (no followers) after 45 and 60 min. Still waiting: Hal's opening post (250 followers), 12:00 → now 18:00 = 1,500.
    expect(await rowsOf('exposure', 'summary')).toEqual([
      ['Public posts answered after a wait', 'posts', 4, 0, 4],
      ['Reach-hours until answered', 'reach-hours', 40000, 0, 40000],
      ['Public posts still waiting', 'posts', 1, 0, 1],
      ['Reach-hours still waiting', 'reach-hours', 1500, 0, 1500],
      ['Reach-hours in all', 'reach-hours', 41500, 0, 41500],
    ]);
    expect(await csv('exposure', 'summary')).toEqual([
      'Metric,Unit,This period,Previous period,Change',
      'Public posts answered after a wait,posts,4,0,4', 'Reach-hours until answered,reach-hours,40000,0,40000', 'Public posts still waiting,posts,1,0,1',
      'Reach-hours still waiting,reach-hours,1500,0,1500', 'Reach-hours in all,reach-hours,41500,0,41500',
    ]);
    const { G, H, Q, Q2 } = ids;
    expect(await rowsOf('exposure', 'worst')).toEqual([
      [G, 'Your app ate my order', 'X', 4000, 6, 24000, 'answered'],
      [G, 'Your app ate my order', 'X', 4000, 4, 16000, 'answered'],
      [H, '=HYPERLINK("http://evil")', 'X', 250, 6, 1500, 'still waiting'],
      [Q, 'How do I export?', 'Community', 0, 0.8, 0, 'answered'],
      [Q2, 'Is there an API limit?', 'Community', 0, 1, 0, 'answered'],
    ]);
    expect(await csv('exposure', 'worst')).toEqual([
      'Ticket,Subject,Channel,Reach,Hours waited,Reach-hours,State',
      `${G},Your app ate my order,X,4000,6,24000,answered`,
      `${G},Your app ate my order,X,4000,4,16000,answered`,
      `${H},"'=HYPERLINK(""http://evil"")",X,250,6,1500,still waiting`,
      `${Q},How do I export?,Community,0,0.8,0,answered`,
      `${Q2},Is there an API limit?,Community,0,1,0,answered`,
    ]);
    expect(await page('exposure')).toEqual({
      summary: [['Public posts answered after a wait', '4'], ['Reach-hours until answered', '40000'], ['Public posts still waiting', '1'], ['Reach-hours still waiting', '1500'], ['Reach-hours in all', '41500']],
      worst: [
        [`#${G}`, 'Your app ate my order', 'X', '4000', '6 h', '24000', 'answered'],
        [`#${G}`, 'Your app ate my order', 'X', '4000', '4 h', '16000', 'answered'],
        [`#${H}`, '=HYPERLINK("http://evil")', 'X', '250', '6 h', '1500', 'still waiting'],
        [`#${Q}`, 'How do I export?', 'Community', '0', '0.8 h', '0', 'answered'],
        [`#${Q2}`, 'Is there an API limit?', 'Community', '0', '1 h', '0', 'answered'],
      ],
    });
  });

  // Runs last: it rebuilds the table.
  it('a backfill from the stored history gives the same facts and the same reports', async () => {
    const strip = ({ id: _id, ...f }: { id: number } & Record<string, unknown>) => f;
    const order = (a: any, b: any) => a.ticketId - b.ticketId || a.at - b.at || a.kind.localeCompare(b.kind) || (a.messageId ?? 0) - (b.messageId ?? 0) || (a.contactId ?? 0) - (b.contactId ?? 0);
    const all = async () => (await Promise.all(Object.values(ids).map((id) => reportFactRepository.listByTicket(t.s.db.m, id)))).flat().map((f) => strip({ ...f })).sort(order);
    const views = async () => Promise.all(['overview', 'channels', 'agents', 'community', 'exposure'].map((v) => json(v)));
    const [liveFacts, liveViews] = [await all(), await views()];
    await backfillFacts(t.s.db, { batch: 4 });
    expect(await all()).toEqual(liveFacts);
    expect(await views()).toEqual(liveViews);
  });

  // Runs last: it renames people and tickets.
  it('CSV exports keep a cell that a spreadsheet would run (= + - @, a leading tab or CR) as text', async () => {
    const m = t.s.db.m;
    await agentRepository.update(m, t.admin.id, { name: '=Ada' });
    await agentRepository.update(m, (await agentRepository.list(m)).find((a) => a.name === 'Bo')!.id, { name: '+Bo' });
    // Through the repository: it drops the node's cached teams.
    await agentRepository.updateTeam(m, (await m.getRepository(Team).findOneByOrFail({ name: 'Tier 1' })).id, { name: '-Tier 1' });
    await m.getRepository(Ticket).update({ id: ids.G }, { subject: '\tYour app ate my order' });
    await m.getRepository(Ticket).update({ id: ids.Q }, { subject: '\rHow do I export?' });
    expect((await csv('agents', 'agents')).slice(1).map((l) => l.split(',')[0])).toEqual(["'=Ada", "'+Bo"]);
    expect(await csv('agents', 'teams')).toEqual(['Team,Tickets handled,Replies,Solved,First response median,Resolution median,Notes written', "'-Tier 1,4,4,3,30,240,1"]);
    expect(await csv('community', 'contributors')).toEqual(['Member,Accepted answers', "'@dev,2"]);
    const { G, H, Q } = ids;
    // A cell with a tab or CR inside is quoted as well; a number stays a number (no quote before a negative change).
    expect((await csv('exposure', 'worst')).slice(1, 5)).toEqual([
      `${G},'\tYour app ate my order,X,4000,6,24000,answered`,
      `${G},'\tYour app ate my order,X,4000,4,16000,answered`,
      `${H},"'=HYPERLINK(""http://evil"")",X,250,6,1500,still waiting`,
      `${Q},"'\rHow do I export?",Community,0,0.8,0,answered`,
    ]);
    expect((await csv('overview', 'summary'))[7]).toBe('"First response, median in business hours",minutes,30,60,-30');
  });
});
