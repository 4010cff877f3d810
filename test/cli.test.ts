import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../src/cli/index';

// The CLI against a fresh SQLite file, as a script setting up Chorus without a browser would use it.
describe('chorus CLI', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chorus-cli-'));
  let out: string[] = [];
  let err: string[] = [];
  beforeAll(() => {
    Object.assign(process.env, { DATABASE_URL: `sqlite:${path.join(dir, 'c.sqlite')}`, CHORUS_DATA_DIR: dir, CHORUS_SECRET: 'cli-secret-0123456789abc', LOG_LEVEL: 'silent' });
  });
  beforeEach(() => {
    out = [];
    err = [];
    jest.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
    jest.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => {
    for (const k of ['DATABASE_URL', 'CHORUS_DATA_DIR', 'CHORUS_SECRET']) delete process.env[k];
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates an agent, a token and an inbox', async () => {
    expect(await runCli(['agent:create', '--email', 'ops@acme.test', '--name', 'Ops', '--admin'])).toBe(0);
    expect(await runCli(['token:create', '--agent', 'ops@acme.test'])).toBe(0);
    expect(out.at(-1)).toMatch(/^chorus_[A-Za-z0-9_-]{20,}$/);
    expect(await runCli(['inbox:create', '--name', 'Partner', '--channel', 'api', '--settings', '{"callbackUrl":"https://partner.example/hook"}'])).toBe(0);
    expect(JSON.parse(out.slice(-2, -1)[0])).toMatchObject({ name: 'Partner', channel: 'api', secret: expect.any(String) });
  });

  it('explains bad arguments and exits 2', async () => {
    expect(await runCli(['token:create'])).toBe(2);
    expect(err.join('\n')).toMatch(/--agent is required/);
    expect(await runCli(['inbox:create', '--name', 'X', '--channel', 'fax'])).toBe(2);
    expect(err.join('\n')).toMatch(/--channel must be one of api, email/);
    expect(await runCli(['token:create', '--agent', 'ghost@acme.test'])).toBe(2);
    expect(err.join('\n')).toMatch(/No agent has the e-mail ghost@acme.test/);
    expect(await runCli(['no-such-command'])).toBe(2);
    expect(await runCli(['inbox:create', '--bogus'])).toBe(2);
  });

  it('replays failed items', async () => {
    expect(await runCli(['ingest:replay'])).toBe(0);
    expect(out.join('\n')).toMatch(/Replayed 0 item/);
  });
});
