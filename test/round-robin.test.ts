import { waitFor } from './helpers/wait';
import { DB_KINDS, apiInbox, postSigned, startTestChorus, type TestChorus } from './helpers/test-chorus';

describe.each(DB_KINDS)('round-robin assignment (%s)', (db) => {
  let t: TestChorus;
  beforeAll(async () => {
    t = await startTestChorus({ db });
  });
  afterAll(async () => t.stop());

  it('rotates through the team, skips agents who are away and respects the open-ticket cap', async () => {
    const mk = async (name: string) => (await t.api('POST', '/api/agents', { email: `${name}@rr.test`, name, password: 'long enough' })).body.agent.id as number;
    const [ann, ben, cat] = [await mk('ann'), await mk('ben'), await mk('cat')];
    const team = (await t.api('POST', '/api/teams', { name: 'Tier 1', agentIds: [ann, ben, cat] })).body.team;
    const inbox = await apiInbox(t);
    await t.api('PATCH', `/api/inboxes/${inbox.id}`, { roundRobin: true, defaultTeamId: team.id });
    const catToken = await t.s.sessions.createApiToken(cat, 'x');
    expect((await t.api('PATCH', '/api/agents/me', { away: true }, catToken)).body.agent.away).toBe(true);
    expect((await t.api('PATCH', `/api/agents/${ann}`, { away: true }, catToken)).status).toBe(403);
    await t.api('PATCH', `/api/agents/${ben}`, { maxOpen: 1 });

    const owners: (number | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await postSigned(t, inbox, { externalId: `rr-${i}`, author: { id: `c${i}` }, text: 'help' });
      // The item is processed and assigned after the 202: wait for the assignment, not for time
      // (each of these four finds someone, and the next ticket's choice depends on it).
      const got = await waitFor(() => t.api('GET', `/api/tickets/${r.body.ticketId}`), (d) => d.status === 200 && !!d.body.ticket.assignee);
      owners.push(got.body.ticket.assignee?.id ?? null);
    }
    // ben takes one (cap 1), cat is away, so ann takes the rest.
    expect(owners.filter((o) => o === ben)).toHaveLength(1);
    expect(owners.filter((o) => o === cat)).toHaveLength(0);
    expect(owners.filter((o) => o === ann)).toHaveLength(3);
    const detail = await t.api('GET', `/api/tickets/${(await t.api('GET', `/api/tickets?inbox=${inbox.id}&limit=1`)).body.tickets[0].id}`);
    expect(detail.body.events.find((e: any) => e.type === 'assigned').actor.type).toBe('system');
  });
});
