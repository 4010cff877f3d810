import type { TestChorus } from './test-chorus';

// A signed-in agent in a fetch-based "browser": keeps the cookie, reads the CSRF token from pages.
export class AgentClient {
  cookie = '';
  csrf = '';
  // Sent as Accept-Language on every request when set (the agent's browser language).
  acceptLanguage = '';
  constructor(private t: TestChorus) {}

  async signIn(email: string, password: string) {
    const r = await this.post('/login', { email, password });
    if (r.status !== 303) throw new Error(`sign-in failed: ${r.status} ${r.html.slice(0, 200)}`);
    await this.get('/inbox');
    return r;
  }
  async get(p: string, accept = 'text/html') {
    const res = await fetch(this.t.url + p, { headers: { accept, ...this.langHeader(), ...(this.cookie ? { cookie: this.cookie } : {}) }, redirect: 'manual' });
    const html = await res.text();
    const m = /name="csrf-token" content="([^"]+)"/.exec(html);
    if (m) this.csrf = m[1];
    return { status: res.status, html, location: res.headers.get('location') };
  }
  async post(p: string, fields: Record<string, string | string[]>, opts: { csrf?: boolean; accept?: string } = {}) {
    const body = new URLSearchParams();
    if (opts.csrf !== false && this.csrf) body.append('_csrf', this.csrf);
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    const res = await fetch(this.t.url + p, { method: 'POST', body, headers: { accept: opts.accept ?? 'text/html', ...this.langHeader(), ...(this.cookie ? { cookie: this.cookie } : {}) }, redirect: 'manual' });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0];
    return { status: res.status, html: await res.text(), location: res.headers.get('location') };
  }
  private langHeader(): Record<string, string> {
    return this.acceptLanguage ? { 'accept-language': this.acceptLanguage } : {};
  }
}
