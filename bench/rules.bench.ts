import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createChorus, type Chorus } from '../src/app';
import { saveRule } from '../src/automation/rules/commands/save-rule';
import { ruleEngineOf } from '../src/automation/rules/rule-engine-registry';
import { ruleInputSchema } from '../src/automation/rules/rule-schema';
import { sweepTimeRules } from '../src/automation/rules/time-sweep';
import { automationRuleRepository } from '../src/db/repositories/automation-rule.repository';
import { hmacHex } from '../src/channels/signature';
import { loadConfig } from '../src/config';
import { createInbox } from '../src/inboxes/create-inbox';
import { createLogger } from '../src/logger';
import { blast, envInt } from './util';

const DAY = 86_400_000;

export async function start(tag: string, env: Record<string, string> = {}): Promise<{ chorus: Chorus; port: number; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `chorus-bench-${tag}-`));
  const config = loadConfig({ CHORUS_DATA_DIR: dir, CHORUS_SECRET: 'bench-secret-0123456789', CHORUS_SMTP_ENABLED: 'false', LOG_LEVEL: 'silent', NODE_ENV: 'production', CHORUS_WORKERS: 'false', ...env }, { readDotEnv: false });
  const chorus = await createChorus(config, { logger: createLogger('silent') });
  return { chorus, port: await chorus.listen(0, '127.0.0.1'), dir };
}

// 50 enabled rules of the kinds admins write: most look for words or tags a ticket rarely has, a
// few match every ticket (tag it, raise its priority) so their actions run too.
export async function addRules(c: Chorus, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const every = i % 25 === 0;
    await saveRule(c.s, null, ruleInputSchema.parse({
      name: `Rule ${i}`, enabled: true, trigger: { type: i % 2 ? 'message_received' : 'ticket_created' },
      conditions: every ? [{ field: 'channel', op: 'in', value: ['api'] }] : [{ field: 'subject', op: 'contains', value: `zz-${i}` }, { field: 'tags', op: 'any', value: ['vip'] }, { field: 'requester_reach', op: 'gte', value: 10_000 }],
      actions: every ? [{ type: 'add_tag', tag: `seen-${i}` }] : [{ type: 'set_priority', priority: 'high' }],
    }));
  }
}

// API-channel ingest with no rules beside 50 active rules, timed until every rule has run.
export async function benchRulesIngest() {
  const count = envInt('BENCH_POSTS', 1000, 100, 1_000_000);
  const concurrency = 16;
  const run = async (rules: number, posts = count) => {
    const { chorus, port, dir } = await start('rules');
    const inbox = await createInbox(chorus.s.db, Date.now(), { name: 'bench', channel: 'api' });
    await addRules(chorus, rules);
    const body = (i: number) => {
      const raw = JSON.stringify({ externalId: `r-${i}`, author: { id: `u-${i}`, name: `Customer ${i}` }, subject: `Question ${i}`, text: `Hello, question ${i}. `.repeat(4), audience: 'private' });
      return { raw, headers: { 'x-chorus-signature': `sha256=${hmacHex(inbox.secret, Buffer.from(raw))}` } };
    };
    const started = Date.now();
    const cpu = process.cpuUsage();
    const r = await blast(port, `/api/inboxes/${inbox.id}/messages`, body, posts, concurrency);
    await chorus.s.bus.drain();
    const secs = (Date.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    await chorus.close();
    fs.rmSync(dir, { recursive: true, force: true });
    // CPU time of this process per ticket (the client's share included, the same on both sides):
    // what other sessions on the machine move least.
    return { perSec: posts / secs, cpuMs: (used.user + used.system) / 1000 / posts, failures: r.failures };
  };
  // Interleaved rounds (none, 50, none, 50 …), each round's ratio taken from its own pair: the
  // shared machine's load drifts over a run, and the median of the pairs cancels most of it.
  const rounds = envInt('BENCH_RULES_ROUNDS', 5, 1, 50);
  const none: number[] = [];
  const fifty: number[] = [];
  const cpuNone: number[] = [];
  const cpuFifty: number[] = [];
  // Untimed, so that neither side of the first pair runs on colder code.
  await run(50, Math.ceil(count / 5));
  for (let k = 0; k < rounds; k++) {
    const a = await run(0);
    const b = await run(50);
    none.push(a.perSec);
    fifty.push(b.perSec);
    cpuNone.push(a.cpuMs);
    cpuFifty.push(b.cpuMs);
  }
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const ratios = fifty.map((x, k) => x / none[k]);
  // The same ratio by CPU time per ticket (none's over fifty's: above 1 means rules cost CPU).
  const cpuRatios = cpuFifty.map((x, k) => cpuNone[k] / x);
  return { count, concurrency, rounds, none: median(none), fifty: median(fifty), ratios, ratio: median(ratios), cpu: { none: median(cpuNone), fifty: median(cpuFifty), ratios: cpuRatios, ratio: median(cpuRatios) } };
}

// A fresh Postgres database for one bench run (BENCH_SWEEP_DB=postgres), dropped afterwards.
async function freshPostgres(base: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `chorus_bench_${process.pid}_${Date.now().toString(36)}`;
  const admin = async (sql: string) => {
    const c = new Client({ connectionString: base });
    await c.connect();
    try { await c.query(sql); } finally { await c.end(); }
  };
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(base);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

// The time sweep over many tickets: all solved at times spread over 60 days, a "solved for 3
// days" rule whose condition holds for one in a thousand. The first sweep reads every due ticket
// from the (status, status_changed_at) index in keyset pages; the next reads only what became
// due since. Beside the figures, the database's own plan for a first and a later page.
// BENCH_SWEEP_DB=postgres runs it on a fresh database beside BENCH_DATABASE_URL (default: the
// local test server).
export async function benchRulesSweep() {
  const tickets = envInt('BENCH_SWEEP_TICKETS', 1_000_000, 1000, 10_000_000);
  const postgres = process.env.BENCH_SWEEP_DB === 'postgres';
  const pg = postgres ? await freshPostgres(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test') : null;
  const { chorus, dir } = await start('sweep', pg ? { DATABASE_URL: pg.url } : {});
  const inbox = await createInbox(chorus.s.db, Date.now(), { name: 'bench', channel: 'email', address: 'bench@acme.test' });
  const now = Date.now();
  const seedStarted = Date.now();
  const contact = Number((await chorus.s.db.m.query(`INSERT INTO contacts (name, reputation, banned, created_at) VALUES ('Bench', 0, false, ${now}) RETURNING id`))[0].id);
  await chorus.s.db.write(async (m) => {
    // One SQLite transaction; on Postgres each statement commits (the pool has no one connection).
    if (!postgres) await m.query('BEGIN');
    const batch = 400;
    for (let i = 0; i < tickets; i += batch) {
      const rows: string[] = [];
      for (let j = i; j < Math.min(tickets, i + batch); j++) {
        const at = now - Math.floor((j / tickets) * 60 * DAY);
        rows.push(`('Ticket ${j}', 'solved', '${j % 1000 === 0 ? 'urgent' : 'normal'}', 'private', ${contact}, ${inbox.id}, 'email', 1, ${at}, ${at}, ${at}, ${at}, ${at})`);
      }
      await m.query(`INSERT INTO tickets (subject, status, priority, visibility, requester_id, inbox_id, channel, message_count, last_activity_at, created_at, updated_at, status_changed_at, solved_at) VALUES ${rows.join(',')}`);
    }
    if (!postgres) await m.query('COMMIT');
    // A live Postgres keeps its statistics fresh (autovacuum); a table filled a moment ago has none yet.
    if (postgres) await m.query('ANALYZE tickets');
  });
  const seedSecs = (Date.now() - seedStarted) / 1000;
  const upTo = now - 3 * DAY;
  const plans = {
    first: await automationRuleRepository.explainTimeCandidates(chorus.s.db.m, 'solved', { after: null, upTo }, 1000),
    later: await automationRuleRepository.explainTimeCandidates(chorus.s.db.m, 'solved', { after: null, upTo, from: { since: now - 30 * DAY, id: Math.floor(tickets / 2) } }, 1000),
  };
  // One page at the start of the range and one 90% in, best of three each: a keyset page costs
  // the same wherever it starts (a page that walked the index from the start would not).
  const pageMs = async (from?: { since: number; id: number }) => {
    let best = Infinity;
    for (let k = 0; k < 3; k++) {
      const t0 = process.hrtime.bigint();
      await automationRuleRepository.timeCandidates(chorus.s.db.m, 'solved', { after: null, upTo, from }, 1000);
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return best;
  };
  // Seeded newest first (ticket j solved at now - j/tickets · 60 days): 90% into the oldest-first
  // range is ticket 10% of the way down.
  const deep = Math.floor(tickets * 0.1);
  const pages = { firstMs: await pageMs(), deepMs: await pageMs({ since: now - Math.floor((deep / tickets) * 60 * DAY), id: deep }) };
  await saveRule(chorus.s, null, ruleInputSchema.parse({ name: 'Close old urgent', enabled: true, trigger: { type: 'solved_for', days: 3 }, conditions: [{ field: 'priority', op: 'in', value: ['urgent'] }], actions: [{ type: 'add_tag', tag: 'followed-up' }] }));
  const engine = ruleEngineOf(chorus.s);
  let t0 = Date.now();
  const first = await sweepTimeRules(chorus.s, engine, now);
  const firstSecs = (Date.now() - t0) / 1000;
  t0 = Date.now();
  const next = await sweepTimeRules(chorus.s, engine, now + 60_000);
  const nextMs = Date.now() - t0;
  await chorus.close();
  fs.rmSync(dir, { recursive: true, force: true });
  await pg?.drop();
  return { db: postgres ? 'Postgres' : 'SQLite', plans, pages, tickets, seedSecs, scanned: first.scanned, fired: first.fired, rowsPerSec: first.scanned / firstSecs, firstSecs, next: { scanned: next.scanned, ms: nextMs } };
}
