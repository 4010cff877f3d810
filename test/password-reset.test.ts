import { createAgent } from '../src/agents/create-agent';
import { OutboxItem } from '../src/db/entities';
import { RESET_TTL_MS } from '../src/auth/password-reset';
import { DB_KINDS, connectSocket, startTestChorus, type TestChorus } from './helpers/test-chorus';
import { disconnected } from './helpers/sockets';
import { waitFor } from './helpers/wait';
import { captureSmtp } from './helpers/smtp-capture';

const form = (t: TestChorus, p: string, fields: Record<string, string>) =>
  fetch(`${t.url}${p}`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
const login = async (t: TestChorus, email: string, password: string) => (await form(t, '/login', { email, password })).status;

// An agent who forgot their password gets a single-use, expiring link by e-mail (HTML and text
// through the one mailer, delivered to a real SMTP server); the request page answers the same
// for an unknown address, and asking is rate-limited.
describe.each(DB_KINDS)('password reset by e-mail (%s)', (db) => {
  let t: TestChorus;
  let relay: Awaited<ReturnType<typeof captureSmtp>>;
  let clock = Date.UTC(2026, 5, 1, 9, 0, 0);
  beforeAll(async () => {
    relay = await captureSmtp();
    t = await startTestChorus({ db, now: () => clock, env: { SMTP_URL: `smtp://127.0.0.1:${relay.port}` } });
    await createAgent(t.s.db, clock, { email: 'rosa@acme.test', name: 'Rosa Reset', password: 'old-password-1', role: 'agent' });
  });
  afterAll(async () => {
    await t?.stop();
    await relay?.close();
  });
  const linkIn = async (n: number) => {
    const mail = await waitFor(() => relay.mails.filter((m) => m.to && JSON.stringify(m.to).includes('rosa@acme.test'))[n], (m) => !!m);
    expect(mail).toBeDefined();
    const url = /https?:\/\/\S+\/password\/reset\?token=[\w-]+/.exec(mail!.text!)![0];
    expect(mail!.html).toMatch(new RegExp(`<a href="[^"]+/password/reset\\?token(=|&#x3D;)${new URL(url).searchParams.get('token')}">`));
    return new URL(url);
  };

  it('sends one link that works once; a refused password keeps it; the old password and sessions end', async () => {
    const session = (await fetch(`${t.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'rosa@acme.test', password: 'old-password-1' }) })).headers.get('set-cookie')!.split(';')[0];
    expect((await fetch(`${t.url}/inbox`, { headers: { cookie: session }, redirect: 'manual' })).status).toBe(200);
    const socket = await connectSocket(t, { cookie: session });
    const socketGone = disconnected(socket);

    const unknown = await form(t, '/password/forgot', { email: 'nobody@acme.test' });
    const known = await form(t, '/password/forgot', { email: 'Rosa@acme.test' });
    expect([unknown.status, known.status]).toEqual([200, 200]);
    const strip = (html: string) => html.replace(/nobody@acme\.test|Rosa@acme\.test/g, 'ADDRESS').replace(/name="csrf-token" content="[^"]+"/, '');
    expect(strip(await unknown.text())).toBe(strip(await known.text()));
    const link = await linkIn(0);
    expect(relay.mails[0].subject).toBe('Reset your Chorus password');
    expect(await t.s.db.m.getRepository(OutboxItem).count({ where: { kind: 'notification.email' } })).toBe(1);

    const token = link.searchParams.get('token')!;
    expect((await fetch(`${t.url}/password/reset?token=${token}`)).status).toBe(200);
    const short = await form(t, '/password/reset', { token, password: 'short' });
    expect(short.status).toBe(422);
    expect(await short.text()).toContain('Use at least 8 characters.');
    const ok = await form(t, '/password/reset', { token, password: 'new-password-2' });
    expect([ok.status, ok.headers.get('location')]).toEqual([303, '/login?reset=1']);
    // The old sign-in's live socket is closed by the server, not left listening.
    await socketGone;
    expect(await login(t, 'rosa@acme.test', 'old-password-1')).toBe(401);
    expect(await login(t, 'rosa@acme.test', 'new-password-2')).toBe(303);
    expect((await fetch(`${t.url}/inbox`, { headers: { cookie: session }, redirect: 'manual' })).status).not.toBe(200);
    // Used: the page and the form both refuse it.
    expect((await fetch(`${t.url}/password/reset?token=${token}`)).status).toBe(410);
    expect((await form(t, '/password/reset', { token, password: 'third-password-3' })).status).toBe(410);
    expect(await login(t, 'rosa@acme.test', 'new-password-2')).toBe(303);
  });

  it('a link expires; asking is limited per address, known or not', async () => {
    expect((await form(t, '/password/forgot', { email: 'rosa@acme.test' })).status).toBe(200);
    const link = await linkIn(1);
    clock += RESET_TTL_MS + 1;
    expect((await form(t, '/password/reset', { token: link.searchParams.get('token')!, password: 'late-password-4' })).status).toBe(410);
    expect(await login(t, 'rosa@acme.test', 'late-password-4')).toBe(401);
    // Three requests an hour per address: the fourth is refused for a known and an unknown one alike.
    expect((await form(t, '/password/forgot', { email: 'rosa@acme.test' })).status).toBe(200);
    expect((await form(t, '/password/forgot', { email: 'rosa@acme.test' })).status).toBe(429);
    for (let i = 0; i < 3; i++) expect((await form(t, '/password/forgot', { email: 'ghost@acme.test' })).status).toBe(200);
    expect((await form(t, '/password/forgot', { email: 'ghost@acme.test' })).status).toBe(429);
    expect((await form(t, '/password/forgot', { email: 'not an address' })).status).toBe(422);
  });
});
