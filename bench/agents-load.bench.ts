import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createChorus } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { seededPages } from './agent-pages.bench';
import { envInt, percentile, type Timing, storeEnv } from './util';

type Kind = 'inbox' | 'ticket' | 'reply' | 'search';
const WORDS = ['refund', 'invoice', 'password', 'shipping', 'webhook', 'crash', 'coupon', 'hello'];

// Signed-in agents (cookie sessions, as a browser) working a seeded instance at once: each runs
// back to back, with no pause, a mix of inbox lists, ticket pages, replies (through the page's
// form, CSRF token and all) and searches. Replies go to API-channel tickets, whose inbox has a
// callback URL pointing at a local receiver, so every reply is one outbound callback; how many
// of them left within the run, and how long the rest took, are counted.
export async function benchAgentsLoad() {
  const tickets = envInt('BENCH_PAGE_TICKETS', 100_000, 1_000, 5_000_000);
  const secs = envInt('BENCH_LOAD_SECS', 20, 2, 3600);
  const levels = (process.env.BENCH_LOAD_AGENTS ?? '20,100').split(',').map((x) => Number(x.trim()));
  if (levels.some((n) => !Number.isInteger(n) || n < 1 || n > 1000)) throw new Error(`BENCH_LOAD_AGENTS takes whole numbers from 1 to 1000, comma-separated (got ${process.env.BENCH_LOAD_AGENTS})`);
  const seedFile = await seededPages(tickets);

  let received = 0;
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `cb-${received}` }));
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const callbackUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/callback`;

  const results = [];
  for (const agents of levels) {
    // Each level works on its own copy: replies written by one level do not slow the next.
    const file = path.join(path.dirname(seedFile), `chorus-bench-load-run-${process.pid}.sqlite`);
    for (const ext of ['', '-wal', '-shm']) fs.rmSync(file + ext, { force: true });
    fs.copyFileSync(seedFile, file);
    const config = loadConfig({ DATABASE_URL: `sqlite:${file}`, CHORUS_DATA_DIR: path.dirname(file), CHORUS_SECRET: 'bench-secret-0123456789', CHORUS_SMTP_ENABLED: 'false', LOG_LEVEL: 'silent', NODE_ENV: 'production', ...storeEnv() }, { readDotEnv: false });
    const chorus = await createChorus(config, { logger: createLogger('silent') });
    await chorus.s.db.m.query(`UPDATE inboxes SET channel = 'api', settings = ? WHERE id = 5`, [JSON.stringify({ callbackUrl })]);
    const port = await chorus.listen(0, '127.0.0.1');
    // BENCH_LOAD_SQL=1: every statement the run sent, with its count and time, to find the costly ones.
    const sqlTally = new Map<string, { n: number; ms: number; max: number }>();
    if (process.env.BENCH_LOAD_SQL === '1') {
      const runner = chorus.s.db.m.connection.createQueryRunner();
      const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
      runner.query = (async (sql: string, ...rest: unknown[]) => {
        const t0 = performance.now();
        try {
          return await query(sql, ...rest);
        } finally {
          const key = sql.replace(/\s+/g, ' ').slice(0, 220);
          const e = sqlTally.get(key) ?? { n: 0, ms: 0, max: 0 };
          const ms = performance.now() - t0;
          e.n++;
          e.ms += ms;
          e.max = Math.max(e.max, ms);
          sqlTally.set(key, e);
        }
      }) as typeof runner.query;
    }
    chorus.server.keepAliveTimeout = 600_000;
    const ids = (await chorus.s.db.m.query('SELECT id FROM agents ORDER BY id')).map((r: { id: number }) => r.id) as number[];
    // The seed's API-channel tickets in inbox 5 (every tenth from the fifth, each fortieth).
    const apiTickets = (await chorus.s.db.m.query(`SELECT id FROM tickets WHERE channel = 'api' AND inbox_id = 5 ORDER BY id DESC LIMIT 2000`)).map((r: { id: number }) => r.id) as number[];
    if (!apiTickets.length) throw new Error('The seed has no API-channel tickets in inbox 5');
    const sessions = await Promise.all(Array.from({ length: agents }, (_, i) => chorus.s.sessions.create({ agentId: ids[i % ids.length] })));
    const dispatcher = new http.Agent({ keepAlive: true, maxSockets: agents * 2 });

    const samples: Record<Kind, number[]> = { inbox: [], ticket: [], reply: [], search: [] };
    const errors: Record<Kind, number> = { inbox: 0, ticket: 0, reply: 0, search: 0 };
    const firstErrors: string[] = [];
    // When the server saw each request (by its x-bench-id): the slowest requests are split into
    // waiting to be read and being served.
    const arrived = new Map<string, number>();
    let nextId = 0;
    const slow: { kind: Kind; p: string; ms: number; waitMs: number; reused: boolean }[] = [];
    let connections = 0;
    chorus.server.on('connection', () => { connections++; });
    chorus.server.prependListener('request', (req: http.IncomingMessage) => {
      const id = req.headers['x-bench-id'];
      if (typeof id === 'string') arrived.set(id, performance.now());
    });
    const request = (kind: Kind, method: 'GET' | 'POST', p: string, sid: string, body?: string) =>
      new Promise<void>((resolve) => {
        const t0 = performance.now();
        const benchId = String(nextId++);
        const headers: Record<string, string | number> = { cookie: `chorus_sid=${sid}`, accept: 'text/html', 'x-bench-id': benchId };
        if (body !== undefined) Object.assign(headers, { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) });
        const req = http.request({ host: '127.0.0.1', port, path: p, method, agent: dispatcher, headers }, (res) => {
          res.resume();
          res.on('end', () => {
            const ok = method === 'GET' ? res.statusCode === 200 : res.statusCode === 303;
            if (!ok) {
              errors[kind]++;
              if (firstErrors.length < 5) firstErrors.push(`${method} ${p} → ${res.statusCode}`);
            } else {
              const ms = performance.now() - t0;
              samples[kind].push(ms);
              if (ms > 500) slow.push({ kind, p, ms, waitMs: (arrived.get(benchId) ?? t0) - t0, reused: req.reusedSocket });
            }
            arrived.delete(benchId);
            resolve();
          });
        });
        req.on('error', (err) => {
          errors[kind]++;
          if (firstErrors.length < 5) firstErrors.push(`${method} ${p} → ${err.message}`);
          resolve();
        });
        req.end(body);
      });

    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
    let replies = 0;
    const one = (s: { sid: string; csrfToken: string }) => {
      const r = rnd();
      if (r < 0.4) return request('inbox', 'GET', pick(['/inbox', '/inbox?view=mine', '/inbox?view=open', '/inbox?view=open&sort=priority', '/inbox?view=active&tag=billing']), s.sid);
      if (r < 0.75) return request('ticket', 'GET', `/tickets/${pick(rnd() < 0.5 ? apiTickets : [1 + Math.floor(rnd() * tickets)])}`, s.sid);
      if (r < 0.85) {
        replies++;
        const form = new URLSearchParams({ _csrf: s.csrfToken, target: 'participants', text: `Thanks for waiting, reply ${replies}: ${pick(WORDS)} sorted.` });
        return request('reply', 'POST', `/tickets/${pick(apiTickets)}/compose`, s.sid, form.toString());
      }
      return request('search', 'GET', `/search?q=${pick(WORDS)}`, s.sid);
    };

    // A short warm-up (templates compiled, statements prepared), then the timed run.
    await Promise.all(sessions.slice(0, 4).map(async (s) => {
      for (let i = 0; i < 10; i++) await request('inbox', 'GET', '/inbox', s.sid);
    }));
    // BENCH_LOAD_WARM=all: every agent's connection is open before the timed run (as behind a
    // load balancer that keeps its connections); otherwise most agents connect as the run starts.
    if (process.env.BENCH_LOAD_WARM === 'all') await Promise.all(sessions.map((s) => request('inbox', 'GET', '/inbox', s.sid)));
    for (const k of Object.keys(samples) as Kind[]) {
      samples[k] = [];
      errors[k] = 0;
    }
    const receivedBefore = received;
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const started = performance.now();
    const until = started + secs * 1000;
    await Promise.all(sessions.map(async (s) => {
      while (performance.now() < until) await one(s);
    }));
    const runSecs = (performance.now() - started) / 1000;
    loop.disable();
    const rssAfter = process.memoryUsage().rss;
    const sentWithin = received - receivedBefore;
    const replied = samples.reply.length;
    // The callbacks still queued when the agents stopped: how long until the last one left.
    const drainStart = performance.now();
    while (received - receivedBefore < replied && performance.now() - drainStart < 120_000) await new Promise((r) => setTimeout(r, 50));
    const drainSecs = (performance.now() - drainStart) / 1000;
    const sentAfter = received - receivedBefore;

    const timing = (xs: number[]): Timing & { n: number } => {
      const s = [...xs].sort((a, b) => a - b);
      return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99) };
    };
    const all = Object.values(samples).flat();
    results.push({
      agents, runSecs, requests: all.length, rps: all.length / runSecs, all: timing(all),
      kinds: (Object.keys(samples) as Kind[]).map((k) => ({ kind: k, t: timing(samples[k]), errors: errors[k] })),
      firstErrors, rssBeforeMb: rssBefore / 2 ** 20, rssAfterMb: rssAfter / 2 ** 20,
      callbacks: { replied, sentWithin, sentAfter, drainSecs },
      loop: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
      loadavg: fs.readFileSync('/proc/loadavg', 'utf8').trim(),
    });
    if (slow.length) {
      slow.sort((a, b) => b.ms - a.ms);
      console.log(`${slow.length} requests over 0.5 s at ${agents} agents; slowest: ${slow.slice(0, 5).map((x) => `${x.kind} ${x.p} ${x.ms.toFixed(0)} ms (${x.waitMs.toFixed(0)} ms before the server read it, ${x.reused ? 'on a kept-alive connection' : 'on a new connection'})`).join('; ')}; ${connections} connections opened`);
    }
    if (sqlTally.size) {
      const statements = [...sqlTally.values()].reduce((n, v) => n + v.n, 0);
      console.log(`SQL during ${agents} agents (${all.length} requests): ${statements} statements, ${(statements / Math.max(1, all.length)).toFixed(1)} per request`);
      for (const [k, v] of [...sqlTally].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30)) console.log(`  ${String(v.n).padStart(6)} × ${v.ms.toFixed(0).padStart(6)} ms (max ${v.max.toFixed(0).padStart(4)})  ${k}`);
    }
    dispatcher.destroy();
    await chorus.close();
    for (const ext of ['', '-wal', '-shm']) fs.rmSync(file + ext, { force: true });
  }
  receiver.close();
  return { tickets, secs, results };
}
