import { createAgent } from '../src/agents/create-agent';
import { surveyLinks } from '../src/csat/csat-links';
import { CsatSurvey } from '../src/db/entities';
import { createInbox } from '../src/inboxes/create-inbox';
import { AgentClient } from './helpers/agent-client';
import { DB_KINDS, apiInbox, postRawEmail, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { signInByLink } from './helpers/web-client';

const MIN = 60_000;

// A week of surveys whose numbers are worked out by hand below.
describe.each(DB_KINDS)('the CSAT report (%s)', (db) => {
  let t: TestChorus;
  let clock = Date.UTC(2026, 6, 6, 9, 0, 0);
  let n = 0;
  let bo: { id: number };
  let agent: AgentClient;
  const q = '?range=custom&from=2026-07-06&to=2026-07-06&tz=UTC';
  const rate = async (ticketId: number, score: 'good' | 'okay' | 'bad', comment?: string) => {
    clock += MIN;
    const s = await t.s.db.m.getRepository(CsatSurvey).findOneByOrFail({ ticketId });
    const link = new URL(surveyLinks(t.s.config, s).find((l) => l.name === score)!.url);
    const res = comment === undefined
      ? await fetch(`${t.url}${link.pathname}${link.search}`)
      : await fetch(`${t.url}${link.pathname}`, { method: 'POST', body: new URLSearchParams({ score, comment }) });
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    t = await startTestChorus({ db, now: () => clock, env: { CHORUS_CSAT_SWEEP_MS: '3600000' } });
    bo = await createAgent(t.s.db, clock, { email: 'bo@chorus.test', name: 'Bo Agent', password: 'bo-password-1', role: 'agent' });
    const mail = await createInbox(t.s.db, clock, { name: 'Support', channel: 'email', address: 'help@report.test', settings: { csat: { enabled: true, perContactHours: 0 } } });
    const api = await apiInbox(t, { csat: { enabled: true } });
    const open = async (from: string, headers = '') => (await postRawEmail(t, mail.id, `From: ${from}\r\nTo: help@report.test\r\nSubject: Question ${++n}\r\nMessage-ID: <r${n}@client.test>\r\n${headers}\r\nHello\r\n`)).ticketId;
    const solve = async (id: number) => {
      clock += MIN;
      expect((await t.api('PATCH', `/api/tickets/${id}`, { status: 'solved' })).status).toBe(200);
      await t.s.bus.drain();
    };
    // 1: Bo's, rated Good with a comment. 2: Bo's, Good then Bad (a changed mind), with a comment.
    const t1 = await open('Grace <grace@example.com>');
    const t2 = await open('Alan <alan@example.com>');
    for (const id of [t1, t2]) expect((await t.api('PATCH', `/api/tickets/${id}`, { assigneeId: bo.id })).status).toBe(200);
    // 3: unassigned, Ada answered last: hers, rated Okay. 4: an API ticket nobody answered: asked, never rated.
    const t3 = await open('Mia <mia@example.com>');
    await t.api('POST', `/api/tickets/${t3}/replies`, { text: 'Done.' });
    const t4 = (await postSigned(t, api, { externalId: 'csat-r-1', author: { id: 'u1', name: 'Api Person' }, text: 'hello' })).body.ticketId;
    // 5: automatic mail: never asked, never counted.
    const t5 = await open('Robot <robot@example.com>', 'Auto-Submitted: auto-replied\r\n');
    for (const id of [t1, t2, t3, t4, t5]) await solve(id);
    await rate(t1, 'good');
    await rate(t1, 'good', 'Great help');
    await rate(t2, 'good');
    await rate(t3, 'okay');
    await rate(t2, 'bad', 'Changed my mind');
    agent = new AgentClient(t);
    await agent.signIn(t.admin.email, t.admin.password);
  });
  afterAll(async () => t?.stop());

  it('answers response rate, score, distribution, per channel, per agent and comments as worked out by hand', async () => {
    const r = await t.api('GET', `/api/reports/csat${q}`);
    expect(r.status).toBe(200);
    const rows = (name: string) => r.body.tables[name].rows;
    // Sent 4 (t1–t4), rated 3: 75 %; Good 1 of 3 = 33.3 %; average (3 + 1 + 2) / 3 = 2.
    expect(rows('summary').map((x: any) => [x.metric, x.value])).toEqual([
      ['Surveys sent', 4], ['Ratings received', 3], ['Response rate', 75], ['CSAT score (share rated Good)', 33.3], ['Average rating (1 bad – 3 good)', 2],
    ]);
    expect(rows('distribution')).toEqual([{ rating: 'Good', ratings: 1, share: 33.3 }, { rating: 'Okay', ratings: 1, share: 33.3 }, { rating: 'Bad', ratings: 1, share: 33.3 }]);
    expect(rows('channels')).toEqual([
      { name: 'E-mail', sent: 3, rated: 3, responseRate: 100, score: 33.3, average: 2, good: 1, okay: 1, bad: 1 },
      { name: 'API', sent: 1, rated: 0, responseRate: 0, score: null, average: null, good: 0, okay: 0, bad: 0 },
    ]);
    // Bo: Good and Bad (50 %, average 2); Ada: Okay (0 %, average 2). Nobody owned the API ticket.
    expect(rows('agents')).toEqual([
      { name: 'Bo Agent', sent: 2, rated: 2, responseRate: 100, score: 50, average: 2, good: 1, okay: 0, bad: 1 },
      { name: 'Ada Admin', sent: 1, rated: 1, responseRate: 100, score: 0, average: 2, good: 0, okay: 1, bad: 0 },
    ]);
    expect(rows('comments').map((x: any) => [x.rating, x.agent, x.comment, x.date])).toEqual([['Bad', 'Bo Agent', 'Changed my mind', '2026-07-06'], ['Good', 'Bo Agent', 'Great help', '2026-07-06']]);

    const agents = (await t.api('GET', `/api/reports/agents${q}`)).body.tables.agents.rows;
    expect(agents.find((a: any) => a.name === 'Bo Agent')).toMatchObject({ csat: 50, csatAverage: 2, csatRatings: 2 });
    expect(agents.find((a: any) => a.name === 'Ada Admin')).toMatchObject({ csat: 0, csatAverage: 2, csatRatings: 1 });

    const csv = await fetch(`${t.url}/api/reports/csat/summary.csv${q}`, { headers: { authorization: `Bearer ${t.admin.token}` } });
    expect(await csv.text()).toContain('Response rate,percent,75,,');
    const byAgent = await (await fetch(`${t.url}/api/reports/csat/agents.csv${q}`, { headers: { authorization: `Bearer ${t.admin.token}` } })).text();
    expect(byAgent.split('\r\n')[1]).toBe('Bo Agent,2,2,100,50,2,1,0,1');

    const page = await agent.get(`/reports/csat${q}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<svg');
    expect(page.html).toContain('75 %');
    expect(page.html).toContain('Changed my mind');
  });

  it('is for agents only: a customer or a signed-out visitor gets 404', async () => {
    expect((await fetch(`${t.url}/api/reports/csat${q}`)).status).toBe(404);
    expect((await fetch(`${t.url}/reports/csat${q}`)).status).toBe(404);
    const customer = await signInByLink(t, 'grace@example.com');
    expect((await customer.get(`/reports/csat${q}`)).status).toBe(404);
    expect((await customer.get(`/api/reports/csat/comments.csv${q}`)).status).toBe(404);
  });

  it('lists the CSAT report in the OpenAPI document', async () => {
    const doc = (await t.api('GET', '/api/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/reports/csat', '/api/reports/csat/summary.csv', '/api/reports/csat/comments.csv']));
  });
});
