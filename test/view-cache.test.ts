import Handlebars from 'handlebars';
import { AgentClient } from './helpers/agent-client';
import { startTestChorus, type TestChorus } from './helpers/test-chorus';

// Pages render from compiled templates kept between requests (outside development), whatever
// process.env.NODE_ENV says: the config's NODE_ENV decides.
describe('view cache', () => {
  const saved = process.env.NODE_ENV;
  let t: TestChorus | undefined;
  afterEach(async () => {
    process.env.NODE_ENV = saved;
    jest.restoreAllMocks();
    await t?.close();
    t = undefined;
  });

  async function compilesPerPage(nodeEnv: string): Promise<{ first: number; second: number }> {
    delete process.env.NODE_ENV;
    t = await startTestChorus({ env: { NODE_ENV: nodeEnv } });
    const agent = new AgentClient(t);
    await agent.signIn(t.admin.email, t.admin.password);
    const compile = jest.spyOn(Handlebars, 'compile');
    expect((await agent.get('/inbox')).status).toBe(200);
    const first = compile.mock.calls.length;
    expect((await agent.get('/inbox')).status).toBe(200);
    return { first, second: compile.mock.calls.length - first };
  }

  it.each(['production', 'test'])('compiles no template again for a second page (NODE_ENV=%s)', async (env) => {
    const { second } = await compilesPerPage(env);
    expect(second).toBe(0);
  });

  it('compiles templates again on each page in development, so an edited view shows', async () => {
    const { second } = await compilesPerPage('development');
    expect(second).toBeGreaterThan(0);
  });
});
