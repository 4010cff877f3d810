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

  it('answers --version and --help for Chorus and for every command, and names the exit codes', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    expect(await runCli(['--version'])).toBe(0);
    expect(out.at(-1)).toBe(`chorus ${pkg.version}`);
    out = [];
    expect(await runCli(['--help'])).toBe(0);
    const overview = out.join('\n');
    expect(overview).toMatch(/^Usage: chorus <command>/);
    expect(overview).toMatch(/Exit codes: 0 done, 1 .*, 2 bad arguments/);
    const names = [...overview.matchAll(/^  ([a-z]+:[a-z]+)/gm)].map((m) => m[1]);
    expect(names).toEqual(expect.arrayContaining(['ingest:replay', 'token:create', 'agent:create', 'inbox:create', 'import:mbox', 'reports:backfill']));
    for (const name of names) {
      out = [];
      expect(await runCli([name, '--help'])).toBe(0);
      expect(out.join('\n')).toMatch(new RegExp(`^Usage: chorus ${name}`));
    }
    expect(await runCli(['no:such'])).toBe(2);
    expect(err.join('\n')).toMatch(/Unknown command: no:such/);
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

  it('backfills the reporting facts from stored tickets, twice the same, printing rows/s', async () => {
    const { createChorus } = await import('../src/app');
    const { loadConfig } = await import('../src/config');
    const { createLogger } = await import('../src/logger');
    const { createInbox } = await import('../src/inboxes/create-inbox');
    const chorus = await createChorus(loadConfig(process.env as Record<string, string>, { readDotEnv: false }), { logger: createLogger('silent') });
    const inbox = await createInbox(chorus.s.db, Date.now(), { name: 'Backfill', channel: 'email', address: 'backfill@acme.test' });
    const mail = (i: number) => `From: c${i}@x.test\r\nTo: backfill@acme.test\r\nSubject: Question ${i}\r\nMessage-ID: <bf${i}@x.test>\r\n\r\nhello\r\n`;
    const done = await chorus.s.ingest.ingest(inbox, [1, 2, 3].map((i) => ({ key: `bf${i}`, raw: mail(i), rawType: 'email.rfc822' })));
    expect(done.map((r) => r.state)).toEqual(['processed', 'processed', 'processed']);
    // Facts lost (a table restored from an old backup): the backfill brings them back.
    await chorus.s.db.write((m) => m.query('DELETE FROM report_facts'));
    await chorus.close();
    expect(await runCli(['reports:backfill', '--batch', '2'])).toBe(0);
    expect(out.at(-1)).toMatch(/^Backfilled 3 fact\(s\) from 3 ticket\(s\) in [\d.]+ s \(\d+ rows\/s\)\.$/);
    expect(await runCli(['reports:backfill'])).toBe(0);
    expect(out.at(-1)).toMatch(/^Backfilled 3 fact\(s\) from 3 ticket/);
    expect(await runCli(['reports:backfill', '--batch', '0'])).toBe(2);
    expect(err.join('\n')).toMatch(/--batch must be a positive whole number/);
  });
});
