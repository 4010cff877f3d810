import { OutboxItem } from '../../src/db/entities';
import type { TestChorus } from './test-chorus';

// A tiny browser stand-in: keeps the session cookie, posts forms, doesn't follow redirects.
export class WebClient {
  cookie = '';
  // headers: what every request sends besides the cookie (an Accept-Language, say).
  constructor(private t: { url: string }, private headers: Record<string, string> = {}) {}

  private with(): Record<string, string> {
    return this.cookie ? { ...this.headers, cookie: this.cookie } : { ...this.headers };
  }

  async get(p: string) {
    const res = await fetch(this.t.url + p, { headers: this.with(), redirect: 'manual' });
    return { status: res.status, html: await res.text(), location: res.headers.get('location') };
  }

  async form(p: string, fields: Record<string, string>) {
    const csrf = this.cookie ? /name="_csrf" value="([^"]+)"/.exec((await this.get('/signin')).html)?.[1] : undefined;
    const body = new URLSearchParams({ ...(csrf ? { _csrf: csrf } : {}), ...fields });
    const res = await fetch(this.t.url + p, { method: 'POST', body, headers: this.with(), redirect: 'manual' });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0];
    return { status: res.status, html: await res.text(), location: res.headers.get('location') };
  }
}

// The newest sign-in link e-mailed to an address, read from the outbox as the mailer would.
export async function lastMagicLink(t: TestChorus, email: string): Promise<string> {
  const items = await t.s.db.m.getRepository(OutboxItem).find({ where: { kind: 'notification.email' }, order: { id: 'DESC' } });
  const item = items.find((i) => i.payload?.template === 'magic-link' && i.payload?.to === email.toLowerCase());
  if (!item) throw new Error(`no sign-in link for ${email}`);
  return String(item.payload!.data.url);
}

export async function signInByLink(t: TestChorus, email: string, headers: Record<string, string> = {}): Promise<WebClient> {
  const c = new WebClient(t, headers);
  await c.form('/signin', { email });
  const url = new URL(await lastMagicLink(t, email));
  const res = await c.form('/signin/link', { token: url.searchParams.get('token')!, next: url.searchParams.get('next')! });
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  return c;
}
