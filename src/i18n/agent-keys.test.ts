import fs from 'node:fs';
import path from 'node:path';
import { PRIORITIES, TICKET_STATUSES } from '../db/entities';
import { ROOT } from '../paths';
import { hasKey } from './i18n';
import { LOCALES } from './locale';

// The agent app's words: every "agent.…" key its templates name (whole, or a prefix joined with a
// ticket's status or priority) and every key its scripts ask chorus.t / c.t for (under agent.js)
// exists in every catalogue, so no agent page or toast shows a bare key in one language.
const AGENT_VIEWS = ['views/layouts/agent.hbs', 'views/partials/ticket-rows.hbs', 'views/partials/web-message.hbs',
  ...['inbox', 'ticket', 'search', 'contacts', 'contact', 'notifications', 'notification-settings', 'login', 'password-forgot', 'password-reset', 'setup'].map((p) => `views/pages/agent/${p}.hbs`)];
const SCRIPTS = ['agent-common.js', 'agent-inbox.js', 'agent-ticket.js', 'agent-notifications.js'].map((f) => `public/${f}`);
const PARTS: Record<string, readonly string[]> = {
  'agent.status.': TICKET_STATUSES, 'agent.priority.': PRIORITIES, 'agent.direction.': ['inbound', 'outbound', 'internal'], 'agent.delivery.': ['queued', 'sent', 'failed', 'delivered', 'read'],
};
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), 'utf8');
const missingIn = (key: string) => LOCALES.filter((l) => !hasKey(l, key) && !hasKey(l, `${key}_other`));

describe('agent app keys', () => {
  it('every key the agent templates name exists in every catalogue', () => {
    const keys = new Set<string>();
    for (const f of AGENT_VIEWS) {
      for (const m of read(f).matchAll(/[{(]\s*th?\s+"(agent\.[^"]+)"/g)) {
        const parts = m[1].endsWith('.') ? PARTS[m[1]] : undefined;
        if (m[1].endsWith('.') && !parts) throw new Error(`${f}: ${m[1]} is joined with a value this test does not know`);
        for (const k of parts ? parts.map((p) => m[1] + p) : [m[1]]) keys.add(k);
      }
    }
    expect(keys.size).toBeGreaterThan(200);
    expect([...keys].flatMap((k) => missingIn(k).map((l) => `${l}: ${k}`))).toEqual([]);
  });

  it('every agent.… key the server names (page titles, labels, row texts) exists in every catalogue', () => {
    const areas = Object.keys(JSON.parse(read('locales/en/agent.json')) as Record<string, unknown>).join('|');
    const keys = new Set<string>();
    const walk = (dir: string): string[] => fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(`${dir}/${e.name}`) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [`${dir}/${e.name}`] : []));
    for (const f of walk('src')) for (const m of read(f).matchAll(new RegExp(`'(agent\\.(?:${areas})\\.[\\w.-]+)'`, 'g'))) keys.add(m[1]);
    expect(keys.size).toBeGreaterThan(15);
    expect([...keys].flatMap((k) => missingIn(k).map((l) => `${l}: ${k}`))).toEqual([]);
  });

  it('every string the agent scripts ask for exists in every catalogue', () => {
    const keys = new Set<string>();
    // Every quoted word in a t(…) call up to its first parenthesis: the key, or each key a
    // condition chooses from (c.t(on ? 'desktopTurnOff' : 'desktopTurnOn')), not a word compared with ===.
    for (const f of SCRIPTS) for (const m of read(f).matchAll(/\b(?:c\.)?t\(([^()]*)/g)) for (const k of m[1].matchAll(/(?<!==\s*)'(\w+)'/g)) keys.add(`agent.js.${k[1]}`);
    expect(keys.size).toBeGreaterThan(40);
    expect([...keys].flatMap((k) => missingIn(k).map((l) => `${l}: ${k}`))).toEqual([]);
  });
});
