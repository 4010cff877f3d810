import { createAgent } from '../src/agents/create-agent';
import { TicketTag } from '../src/db/entities';
import { agentRepository } from '../src/db/repositories/agent.repository';
import { registry } from '../src/http/route';
import { localMidnight, resolveRange } from '../src/reports/report-range';
import { csvCell } from '../src/reports/report-table';
import { AgentClient } from './helpers/agent-client';
import { seedContact, seedFacts, seedTicket, type FactSeed } from './helpers/report-facts';
import { DB_KINDS, apiInbox, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { WebClient, signInByLink } from './helpers/web-client';

const H = 3_600_000;
const M = 60_000;
const at = (date: string, hh: number, mm = 0) => Date.parse(`2026-03-${date}T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00Z`);
// The report period is 03-08 … 03-10 (UTC); the previous period is 03-05 … 03-07. Now is 03-10 12:00.
const NOW = at('10', 12);
const RANGE = 'range=custom&from=2026-03-08&to=2026-03-10';
const INBOX_EMAIL = 101;
const INBOX_TG = 102;

describe('report periods', () => {
  it('starts each local day at local midnight, DST days included', () => {
    // New York springs forward on 2026-03-08: that day is 23 hours long.
    const r = resolveRange({ range: 'custom', from: '2026-03-08', to: '2026-03-09', tz: 'America/New_York' }, NOW);
    expect(r.current.days.map((d) => [d.date, new Date(d.start).toISOString(), (d.end - d.start) / H])).toEqual([
      ['2026-03-08', '2026-03-08T05:00:00.000Z', 23],
      ['2026-03-09', '2026-03-09T04:00:00.000Z', 24],
    ]);
    expect(r.previous.days.map((d) => d.date)).toEqual(['2026-03-06', '2026-03-07']);
    expect(new Date(localMidnight(2026, 3, 10, 'Asia/Kolkata')).toISOString()).toBe('2026-03-09T18:30:00.000Z');
    // Presets count back from today in the viewer's zone.
    expect(resolveRange({ range: '7', tz: 'UTC' }, NOW).fromDate).toBe('2026-03-04');
    expect(resolveRange({ range: 'today', tz: 'Pacific/Kiritimati' }, NOW).fromDate).toBe('2026-03-11');
  });

  it('escapes CSV cells a spreadsheet would run as a formula', () => {
    expect(['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\tx', '\rx', 'plain', 'a,b', 'say "hi"'].map(csvCell)).toEqual([
      "'=1+1", "'+SUM(A1)", "'-2+3", "'@cmd", "'\tx", `"'\rx"`, 'plain', '"a,b"', '"say ""hi"""',
    ]);
    expect(csvCell(-3)).toBe('-3');
  });
});

describe.each(DB_KINDS)('reports (%s)', (db) => {
  let t: TestChorus;
  let ada: number;
  let bo: number;
  let team: number;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await startTestChorus({ db, now: () => NOW });
    const m = t.s.db.m;
    ada = t.admin.id;
    await agentRepository.update(m, ada, { name: 'Ada' });
    bo = (await createAgent(t.s.db, NOW, { email: 'bo@chorus.test', name: 'Bo', password: 'correct horse', role: 'agent' })).id;
    team = await agentRepository.insertTeam(m, 'Tier 1', NOW);
    const carol = await seedContact(m, 'Carol');
    const dan = await seedContact(m, '@dan');
    for (const [k, subject, channel, created, visibility] of [
      ['A', 'Invoice wrong', 'email', at('08', 9), 'private'], ['B', 'Bot stuck', 'telegram', at('08', 10), 'private'], ['C', 'Password', 'email', at('09', 14), 'private'],
      ['D', 'How to export?', 'community', at('08', 8), 'public'], ['E', 'Dark mode?', 'community', at('09', 9), 'public'], ['F', 'API limits?', 'community', at('10', 7), 'public'],
      ['G', 'Your app ate my order', 'x', at('09', 20), 'public'], ['H', '=HYPERLINK("http://evil")', 'mastodon', at('10', 6), 'public'],
      ['P1', 'Old one', 'email', at('06', 10), 'private'], ['P2', 'Old telegram', 'telegram', at('07', 9), 'public'],
    ] as const) ids[k] = await seedTicket(m, { subject, channel, createdAt: created, visibility });
    await m.getRepository(TicketTag).insert([{ ticketId: ids.B, tag: 'vip', isPublic: false }, { ticketId: ids.G, tag: 'vip', isPublic: false }]);

    const A = { ticketId: ids.A, channel: 'email', inboxId: INBOX_EMAIL, teamId: team };
    const B = { ticketId: ids.B, channel: 'telegram', inboxId: INBOX_TG, teamId: team };
    const C = { ticketId: ids.C, channel: 'email', inboxId: INBOX_EMAIL };
    const D = { ticketId: ids.D, channel: 'community', visibility: 'public' };
    const E = { ticketId: ids.E, channel: 'community', visibility: 'public' };
    const F = { ticketId: ids.F, channel: 'community', visibility: 'public' };
    const G = { ticketId: ids.G, channel: 'x', visibility: 'public' };
    const Hm = { ticketId: ids.H, channel: 'mastodon', visibility: 'public' };
    const P1 = { ticketId: ids.P1, channel: 'email', inboxId: INBOX_EMAIL, teamId: team };
    const P2 = { ticketId: ids.P2, channel: 'telegram', inboxId: INBOX_TG, visibility: 'public' };
    const facts: FactSeed[] = [
      // A: answered, solved, reopened by the customer, solved again by Bo.
      { ...A, kind: 'ticket_created', at: at('08', 9) },
      { ...A, kind: 'first_response', at: at('08', 9, 30), agentId: ada, wallMs: 30 * M },
      { ...A, kind: 'agent_reply', at: at('08', 9, 30), agentId: ada, audience: 'participants' },
      { ...A, kind: 'status_changed', at: at('08', 11), agentId: ada, statusFrom: 'new', statusTo: 'solved', wallMs: 2 * H },
      { ...A, kind: 'customer_reply', at: at('09', 8), audience: 'participants' },
      { ...A, kind: 'status_changed', at: at('09', 8), statusFrom: 'solved', statusTo: 'open' },
      { ...A, kind: 'agent_reply', at: at('09', 9), agentId: bo, audience: 'participants' },
      { ...A, kind: 'note', at: at('09', 9, 10), agentId: bo, audience: 'staff' },
      { ...A, kind: 'status_changed', at: at('09', 10), agentId: bo, statusFrom: 'open', statusTo: 'solved', wallMs: 25 * H },
      // B: answered by Bo after 2 h, still open.
      { ...B, kind: 'ticket_created', at: at('08', 10) },
      { ...B, kind: 'first_response', at: at('08', 12), agentId: bo, wallMs: 2 * H },
      { ...B, kind: 'agent_reply', at: at('08', 12), agentId: bo, audience: 'participants' },
      // C: answered in 10 min, solved after 18 h.
      { ...C, kind: 'ticket_created', at: at('09', 14) },
      { ...C, kind: 'first_response', at: at('09', 14, 10), agentId: ada, wallMs: 10 * M },
      { ...C, kind: 'agent_reply', at: at('09', 14, 10), agentId: ada, audience: 'participants' },
      { ...C, kind: 'status_changed', at: at('10', 8), agentId: ada, statusFrom: 'open', statusTo: 'solved', wallMs: 18 * H },
      // D: the community answers (Carol first, 45 min), Carol's answer is accepted, solved with no agent reply.
      { ...D, kind: 'ticket_created', at: at('08', 8) },
      { ...D, kind: 'community_answer', at: at('08', 8, 45), contactId: carol, audience: 'public', wallMs: 45 * M, value: 1 },
      { ...D, kind: 'community_answer', at: at('08', 9), contactId: dan, audience: 'public', wallMs: 60 * M },
      { ...D, kind: 'answer_accepted', at: at('08', 10), contactId: carol },
      { ...D, kind: 'status_changed', at: at('08', 10), statusFrom: 'open', statusTo: 'solved', wallMs: 2 * H },
      // E: Dan answers after 3 h, Ada replies publicly after 4 h, Dan's answer accepted, Ada solves.
      { ...E, kind: 'ticket_created', at: at('09', 9) },
      { ...E, kind: 'community_answer', at: at('09', 12), contactId: dan, audience: 'public', wallMs: 3 * H, value: 1 },
      { ...E, kind: 'first_response', at: at('09', 13), agentId: ada, wallMs: 4 * H },
      { ...E, kind: 'agent_reply', at: at('09', 13), agentId: ada, audience: 'public' },
      { ...E, kind: 'answer_accepted', at: at('09', 14), contactId: dan },
      { ...E, kind: 'status_changed', at: at('09', 14), agentId: ada, statusFrom: 'open', statusTo: 'solved', wallMs: 5 * H },
      // F: unanswered question.
      { ...F, kind: 'ticket_created', at: at('10', 7) },
      // G: two public posts by an author with 5000 followers wait 6 h and 4 h for Ada's public answer.
      { ...G, kind: 'ticket_created', at: at('09', 20) },
      { ...G, kind: 'customer_reply', at: at('09', 20), audience: 'public', reach: 5000 },
      { ...G, kind: 'customer_reply', at: at('09', 22), audience: 'public', reach: 5000 },
      { ...G, kind: 'first_response', at: at('10', 2), agentId: ada, wallMs: 6 * H },
      { ...G, kind: 'agent_reply', at: at('10', 2), agentId: ada, audience: 'public' },
      { ...G, kind: 'public_answer_wait', at: at('10', 2), reach: 5000, wallMs: 6 * H },
      { ...G, kind: 'public_answer_wait', at: at('10', 2), reach: 5000, wallMs: 4 * H },
      // H: a public post (200 followers) still waiting at now (6 h).
      { ...Hm, kind: 'ticket_created', at: at('10', 6) },
      { ...Hm, kind: 'customer_reply', at: at('10', 6), audience: 'public', reach: 200 },
      // The previous period: P1 answered in 1 h and solved in 3 h; P2 open; one public wait of 100 × 2 h.
      { ...P1, kind: 'ticket_created', at: at('06', 10) },
      { ...P1, kind: 'first_response', at: at('06', 11), agentId: ada, wallMs: H },
      { ...P1, kind: 'agent_reply', at: at('06', 11), agentId: ada, audience: 'participants' },
      { ...P1, kind: 'status_changed', at: at('06', 13), agentId: ada, statusFrom: 'open', statusTo: 'solved', wallMs: 3 * H },
      { ...P2, kind: 'ticket_created', at: at('07', 9) },
      { ...P2, kind: 'public_answer_wait', at: at('07', 11), reach: 100, wallMs: 2 * H },
    ];
    await seedFacts(m, facts);
  });
  afterAll(async () => t.stop());

  const json = async (path: string) => {
    const r = await t.api('GET', path);
    expect(r.status).toBe(200);
    return r.body;
  };
  const rowsOf = (body: any, table: string) => body.tables[table].rows;
  const csv = async (path: string) => {
    const r = await fetch(t.url + path, { headers: { authorization: `Bearer ${t.admin.token}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    return (await r.text()).split('\r\n');
  };

  it('overview: counts, backlog per day, medians and p90, each beside the previous period', async () => {
    const body = await json(`/api/reports/overview?${RANGE}`);
    expect(body.range).toMatchObject({ firstDay: '2026-03-08', lastDay: '2026-03-10', previous: { firstDay: '2026-03-05', lastDay: '2026-03-07' } });
    expect(rowsOf(body, 'summary').map((r: any) => [r.metric, r.value, r.previous, r.change])).toEqual([
      ['New tickets', 8, 2, 6],
      ['Replies sent', 6, 1, 5],
      ['Solved', 5, 1, 4],
      ['Reopened', 1, 0, 1],
      ['Backlog at end', 5, 1, 4],
      // First responses 10, 30, 120, 240, 360 min; before: 60.
      ['First response, median', 120, 60, 60],
      // No calendar here: nothing measured in business hours (the hand-computed week in report-fixture.test.ts has one).
      ['First response, median in business hours', null, null, null],
      ['First response, p90', 360, 60, 300],
      // Resolutions 120, 120, 300, 1080, 1500 min; before: 180.
      ['Resolution, median', 300, 180, 120],
      ['Resolution, median in business hours', null, null, null],
      ['Resolution, p90', 1500, 180, 1320],
    ]);
    expect(rowsOf(body, 'daily')).toEqual([
      { date: '2026-03-08', created: 3, replies: 2, solved: 2, reopened: 0, backlog: 2 },
      { date: '2026-03-09', created: 3, replies: 3, solved: 2, reopened: 1, backlog: 4 },
      { date: '2026-03-10', created: 2, replies: 1, solved: 1, reopened: 0, backlog: 5 },
    ]);
    expect(await csv(`/api/reports/overview/summary.csv?${RANGE}`)).toEqual([
      'Metric,Unit,This period,Previous period,Change',
      'New tickets,tickets,8,2,6', 'Replies sent,replies,6,1,5', 'Solved,tickets,5,1,4', 'Reopened,tickets,1,0,1', 'Backlog at end,tickets,5,1,4',
      '"First response, median",minutes,120,60,60', '"First response, median in business hours",minutes,,,',
      '"First response, p90",minutes,360,60,300', '"Resolution, median",minutes,300,180,120', '"Resolution, median in business hours",minutes,,,', '"Resolution, p90",minutes,1500,180,1320', '',
    ]);
    expect(await csv(`/api/reports/overview/daily.csv?${RANGE}`)).toEqual([
      'Day,New,Replies,Solved,Reopened,Backlog at end of day', '2026-03-08,3,2,2,0,2', '2026-03-09,3,3,2,1,4', '2026-03-10,2,1,1,0,5', '',
    ]);
  });

  it('overview in a zone with a half-hour offset puts each fact on its local day', async () => {
    // Asia/Kolkata is UTC+5:30: G, created 03-09 20:00 UTC, is 03-10 01:30 there.
    const body = await json(`/api/reports/overview?${RANGE}&tz=Asia/Kolkata`);
    expect(rowsOf(body, 'daily').map((r: any) => r.created)).toEqual([3, 2, 3]);
    expect((await t.api('GET', `/api/reports/overview?${RANGE}&tz=Mars/Olympus`)).status).toBe(400);
    expect((await t.api('GET', '/api/reports/overview?range=custom&from=2026-03-10&to=2026-03-08')).status).toBe(400);
  });

  it('filters by channel, inbox, team, agent and tag', async () => {
    const summary = async (q: string) => Object.fromEntries(rowsOf(await json(`/api/reports/overview?${RANGE}&${q}`), 'summary').map((r: any) => [r.metric, [r.value, r.previous]]));
    expect(await summary('channel=email')).toMatchObject({ 'New tickets': [2, 1], 'Replies sent': [3, 1], Solved: [3, 1], Reopened: [1, 0], 'Backlog at end': [0, 0], 'First response, median': [20, 60] });
    expect(await summary(`inbox=${INBOX_TG}`)).toMatchObject({ 'New tickets': [1, 1], 'Backlog at end': [2, 1], 'First response, median': [120, null] });
    expect(await summary(`team=${team}`)).toMatchObject({ 'New tickets': [2, 1], 'Replies sent': [3, 1], Solved: [2, 1], 'Resolution, median': [810, 180] });
    expect(await summary(`agent=${bo}`)).toMatchObject({ 'New tickets': [0, 0], 'Replies sent': [2, 0], Solved: [1, 0], 'First response, median': [120, null] });
    expect(await summary('tag=vip')).toMatchObject({ 'New tickets': [2, 0], 'Replies sent': [2, 0], Solved: [0, 0], 'Backlog at end': [2, 0], 'First response, median': [240, null], 'First response, p90': [360, null] });
  });

  it('channels: the same numbers per channel, beside the previous period', async () => {
    const rows = rowsOf(await json(`/api/reports/channels?${RANGE}`), 'channels');
    const pick = (r: any) => [r.channel, r.created, r.createdPrev, r.replies, r.solved, r.reopened, r.backlog, r.frtMedian, r.frtP90, r.resMedian, r.resP90];
    expect(rows.map(pick)).toEqual([
      ['Community', 3, 0, 1, 2, 0, 1, 240, 240, 210, 300],
      ['E-mail', 2, 1, 3, 3, 1, 0, 20, 30, 1080, 1500],
      ['Mastodon', 1, 0, 0, 0, 0, 1, null, null, null, null],
      ['Telegram', 1, 1, 1, 0, 0, 2, 120, 120, null, null],
      ['X', 1, 0, 1, 0, 0, 1, 360, 360, null, null],
    ]);
    expect(rows[1]).toMatchObject({ repliesPrev: 1, solvedPrev: 1, backlogPrev: 0, frtMedianPrev: 60, resMedianPrev: 180 });
    const lines = await csv(`/api/reports/channels/channels.csv?${RANGE}`);
    expect(lines[0]).toBe('Channel,New,New (previous period),Replies,Replies (previous period),Solved,Solved (previous period),Reopened,Reopened (previous period),Backlog at end,Backlog at end (previous period),First response median,First response median (previous period),First response p90,First response p90 (previous period),Resolution median,Resolution median (previous period),Resolution p90,Resolution p90 (previous period)');
    expect(lines[2]).toBe('E-mail,2,1,3,1,3,1,1,0,0,0,20,60,30,60,1080,180,1500,180');
  });

  it('agents and teams: handled, replies, medians and notes', async () => {
    const body = await json(`/api/reports/agents?${RANGE}`);
    expect(rowsOf(body, 'agents')).toEqual([
      { name: 'Ada', handled: 4, replies: 4, solved: 3, frtMedian: 135, resMedian: 300, notes: 0, mentions: 0, mentionsAnswered: 0, mentionMedian: null, csat: null, csatAverage: null, csatRatings: 0 },
      { name: 'Bo', handled: 2, replies: 2, solved: 1, frtMedian: 120, resMedian: 1500, notes: 1, mentions: 0, mentionsAnswered: 0, mentionMedian: null, csat: null, csatAverage: null, csatRatings: 0 },
    ]);
    expect(rowsOf(body, 'teams')).toEqual([{ name: 'Tier 1', handled: 2, replies: 3, solved: 2, frtMedian: 75, resMedian: 810, notes: 1 }]);
    expect(await csv(`/api/reports/agents/teams.csv?${RANGE}`)).toEqual(['Team,Tickets handled,Replies,Solved,First response median,Resolution median,Notes written', 'Tier 1,2,3,2,75,810,1', '']);
  });

  it('community: asked, answered share, first answer time, accepted, deflection, top contributors', async () => {
    const body = await json(`/api/reports/community?${RANGE}`);
    expect(rowsOf(body, 'summary').map((r: any) => [r.metric, r.value, r.previous])).toEqual([
      ['Questions asked', 3, 0],
      ['Answered by the community', 66.7, null],
      // First community answers after 45 min and 180 min.
      ['Time to first community answer, median', 112.5, null],
      ['Time to first community answer, p90', 180, null],
      ['Accepted community answers', 2, 0],
      ['Solved with no agent reply (deflection)', 1, 0],
      ['Deflection share of solved', 50, null],
      ['Answered by a suggestion before asking', 0, 0],
    ]);
    expect(rowsOf(body, 'contributors')).toEqual([{ name: 'Carol', accepted: 1 }, { name: '@dan', accepted: 1 }]);
    // A member's name that starts like a formula stays text in a spreadsheet.
    expect(await csv(`/api/reports/community/contributors.csv?${RANGE}`)).toEqual(['Member,Accepted answers', 'Carol,1', "'@dan,1", '']);
  });

  it('public exposure: reach × hours waited, still-waiting posts, the worst waits with links', async () => {
    const body = await json(`/api/reports/exposure?${RANGE}`);
    expect(rowsOf(body, 'summary').map((r: any) => [r.metric, r.value, r.previous])).toEqual([
      ['Public posts answered after a wait', 2, 1],
      ['Reach-hours until answered', 50000, 200],
      ['Public posts still waiting', 1, 0],
      ['Reach-hours still waiting', 1200, 0],
      ['Reach-hours in all', 51200, 200],
    ]);
    expect(rowsOf(body, 'worst')).toEqual([
      { ticket: ids.G, subject: 'Your app ate my order', channel: 'X', reach: 5000, hours: 6, reachHours: 30000, state: 'answered' },
      { ticket: ids.G, subject: 'Your app ate my order', channel: 'X', reach: 5000, hours: 4, reachHours: 20000, state: 'answered' },
      { ticket: ids.H, subject: '=HYPERLINK("http://evil")', channel: 'Mastodon', reach: 200, hours: 6, reachHours: 1200, state: 'still waiting' },
    ]);
    const lines = await csv(`/api/reports/exposure/worst.csv?${RANGE}`);
    expect(lines[3]).toBe(`${ids.H},"'=HYPERLINK(""http://evil"")",Mastodon,200,6,1200,still waiting`);
    const page = await agentPage(`/reports/exposure?${RANGE}`);
    expect(page).toContain(`<a href="/tickets/${ids.G}">#${ids.G}</a>`);
  });

  let agent: AgentClient | null = null;
  async function agentPage(path: string): Promise<string> {
    if (!agent) {
      agent = new AgentClient(t);
      await agent.signIn(t.admin.email, t.admin.password);
    }
    const r = await agent.get(path);
    expect(r.status).toBe(200);
    return r.html;
  }

  it('pages: every view with its filters, SVG charts with a title per bar and point, tables beside them, no script', async () => {
    for (const [path, expected] of [
      ['/reports', ['New and solved tickets per day', 'Backlog at the end of each day', 'Backlog at end']],
      ['/reports/channels', ['New tickets per channel', 'E-mail']],
      ['/reports/agents', ['Replies per agent', 'Tier 1']],
      ['/reports/community', ['Accepted answers per member', 'Carol']],
      ['/reports/exposure', ['Worst waits', 'Your app ate my order']],
    ] as const) {
      const html = await agentPage(`${path}?${RANGE}`);
      for (const s of expected) expect(html).toContain(s);
      expect(html).toContain('<svg');
      expect(html).not.toMatch(/<script>|style="/);
      expect(html).toContain('href="/reports"');
    }
    const overview = await agentPage(`/reports?${RANGE}`);
    expect(overview).toContain('<title>New, 03-08: 3</title>');
    expect(overview).toContain('<title>03-10: 5 open tickets</title>');
    expect(overview).toMatch(/▲ 6 \(\+300 %\) vs 2/);
    expect(overview).toContain(`href="/api/reports/overview/daily.csv?range&#x3D;custom&amp;from&#x3D;2026-03-08&amp;to&#x3D;2026-03-10&amp;tz&#x3D;UTC"`);
    // The filter form keeps what was chosen.
    const filtered = await agentPage(`/reports/channels?${RANGE}&channel=telegram&team=${team}`);
    expect(filtered).toContain('<option value="telegram" selected>');
    expect(filtered).toContain(`<option value="${team}" selected>Tier 1</option>`);
  });

  it('lists every report route in the OpenAPI document', async () => {
    const doc = (await t.api('GET', '/api/openapi.json')).body;
    for (const p of ['/api/reports/overview', '/api/reports/channels', '/api/reports/agents', '/api/reports/community', '/api/reports/exposure', '/api/reports/exposure/worst.csv']) expect(doc.paths[p]?.get).toBeDefined();
  });

  it('answers a customer and a signed-out visitor with 404 on every report route, like an unknown path', async () => {
    const routes = registry.filter((r) => r.path.startsWith('/reports') || r.path.startsWith('/api/reports')).map((r) => r.path);
    // Six pages (CSAT too), six JSON views, fourteen CSV tables, and the command centre (page and JSON).
    expect(routes.length).toBe(6 + 6 + 14 + 2);
    const customer = await signInByLink(t, 'reports-customer@example.com');
    for (const who of [new WebClient(t), customer]) {
      for (const path of routes) {
        const r = await who.get(`${path}?${RANGE}`);
        const unknown = await who.get(`${path}-nothing-here?${RANGE}`);
        expect({ path, status: r.status }).toEqual({ path, status: 404 });
        expect(r.html.replace(path, 'P')).toBe(unknown.html.replace(`${path}-nothing-here`, 'P'));
        expect(r.html).not.toMatch(/Your app ate my order|Carol|Tier 1/);
      }
      const api = await fetch(`${t.url}/api/reports/overview?${RANGE}`, { headers: who.cookie ? { cookie: who.cookie, accept: 'application/json' } : { accept: 'application/json' } });
      expect(api.status).toBe(404);
    }
  });
});

// The reports over facts the ticket commands wrote themselves (API channel, agent reply, solve,
// a community question answered by a member and accepted), on a clock the test moves.
describe.each(DB_KINDS)('reports over facts written by the commands (%s)', (db) => {
  let t: TestChorus;
  let clock = at('10', 8);
  beforeAll(async () => {
    t = await startTestChorus({ db, now: () => clock });
  });
  afterAll(async () => t.stop());

  const reply = async (c: WebClient, ticketId: number, text: string) => {
    const page = await c.get(`/t/${ticketId}`);
    const html = (await c.get(page.location ?? `/t/${ticketId}`)).html;
    const fd = new FormData();
    fd.append('_csrf', /name="_csrf" value="([^"]+)"/.exec(html)![1]);
    fd.append('text', text);
    return fetch(`${t.url}/t/${ticketId}/replies`, { method: 'POST', body: fd, headers: { cookie: c.cookie, accept: 'application/json' } });
  };

  it('counts what happened, with first response and resolution times, and the community question', async () => {
    const inbox = await apiInbox(t);
    const posted = await postSigned(t, inbox, { externalId: 'rep-1', author: { id: 'pia', email: 'pia@example.com', name: 'Pia' }, subject: 'Order late', text: 'Where is it?' });
    const id = posted.body.ticketId as number;
    clock += 30 * M;
    expect((await t.api('POST', `/api/tickets/${id}/replies`, { text: 'On its way.' })).status).toBe(201);
    clock += 60 * M;
    expect((await t.api('PATCH', `/api/tickets/${id}`, { status: 'solved' })).status).toBe(200);

    const ann = await signInByLink(t, 'ann-reports@example.com');
    const bob = await signInByLink(t, 'bob-reports@example.com');
    const asked = await ann.form('/community/ask', { title: 'How do I export data?', body: 'Looking for CSV.' });
    const q = Number(/\/community\/(\d+)/.exec(asked.location!)![1]);
    clock += 15 * M;
    const answer = (await (await reply(bob, q, 'Settings, Export.')).json()) as any;
    clock += 45 * M;
    expect((await ann.form(`/community/posts/${answer.message.id}/accept`, {})).status).toBe(303);
    clock = at('10', 12);

    const overview = await t.api('GET', '/api/reports/overview?range=today');
    expect(overview.body.tables.summary.rows.map((r: any) => [r.metric, r.value])).toEqual([
      ['New tickets', 2], ['Replies sent', 1], ['Solved', 2], ['Reopened', 0], ['Backlog at end', 0],
      ['First response, median', 30], ['First response, median in business hours', null], ['First response, p90', 30],
      // The order solved after 90 min, the question after 60 min.
      ['Resolution, median', 75], ['Resolution, median in business hours', null], ['Resolution, p90', 90],
    ]);
    const community = await t.api('GET', '/api/reports/community?range=today');
    expect(community.body.tables.summary.rows.map((r: any) => [r.metric, r.value])).toEqual([
      ['Questions asked', 1], ['Answered by the community', 100],
      ['Time to first community answer, median', 15], ['Time to first community answer, p90', 15],
      ['Accepted community answers', 1], ['Solved with no agent reply (deflection)', 1], ['Deflection share of solved', 100],
      ['Answered by a suggestion before asking', 0],
    ]);
    expect(community.body.tables.contributors.rows).toHaveLength(1);
  });
});
