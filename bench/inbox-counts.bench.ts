import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { createChorus } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { reconcileCounts } from '../src/tickets/reconcile-counts';
import { assign } from '../src/tickets/commands/assign';
import { seeded } from './inbox-list.bench';
import { envInt, percentile, type Timing, storeEnv } from './util';

const timing = (xs: number[]): Timing => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99) };
};

// `/inbox` right after a ticket change, at BENCH_TICKETS (1,000,000) tickets on SQLite: every
// round changes a ticket through its command (an assignment, which moves it between "Unassigned"
// and an agent's "Mine"), then asks for the page with every sidebar count. Beside it, from the
// same file: the bare list query of the page's rows and the grouped count pass the page ran
// before counts were kept. The event loop's delay is sampled throughout: a page that counted
// tickets on the request path held it for the length of the pass.
export async function benchInboxCounts() {
  const tickets = envInt('BENCH_TICKETS', 1_000_000, 1_000, 20_000_000);
  const rounds = envInt('BENCH_COUNT_ROUNDS', 200, 20, 100_000);
  const file = await seeded(tickets);
  const config = loadConfig({ DATABASE_URL: `sqlite:${file}`, CHORUS_DATA_DIR: path.dirname(file), CHORUS_SECRET: 'bench-secret-0123456789', CHORUS_SMTP_ENABLED: 'false', CHORUS_WORKERS: 'false', LOG_LEVEL: 'silent', NODE_ENV: 'production', ...storeEnv() }, { readDotEnv: false });
  const chorus = await createChorus(config, { logger: createLogger('silent') });
  const port = await chorus.listen(0, '127.0.0.1');
  chorus.server.keepAliveTimeout = 600_000;
  const [a1, a2] = (await chorus.s.db.m.query('SELECT id FROM agents ORDER BY id LIMIT 2')).map((r: { id: number }) => r.id);
  const token = await chorus.s.sessions.createApiToken(a1, 'bench');
  const viewer = { kind: 'agent' as const, agentId: a1, role: 'admin' as const, name: 'Bench' };
  const get = async (p: string) => {
    const r = await fetch(`http://127.0.0.1:${port}${p}`, { headers: { authorization: `Bearer ${token}` } });
    if (r.status !== 200) throw new Error(`GET ${p} answered ${r.status}`);
    return r.text();
  };

  // Open tickets (every tenth from the second, in the seed's status cycle), assigned back and forth.
  let k = 0;
  const change = () => {
    const id = 2 + 10 * (k++ % Math.floor(tickets / 10 - 1));
    return assign(chorus.s.commands, viewer, id, { agentId: k % 2 ? null : a2 });
  };

  const bare = new Database(file, { readonly: true });
  const bareRows = bare.prepare(`SELECT t.* FROM tickets t WHERE t.merged_into_id IS NULL AND t.status = 'open' AND t.assignee_id IS NULL AND t.automatic IS NULL AND t.snoozed IS NULL
    ORDER BY t.last_activity_at DESC, t.id DESC LIMIT 51`);
  const barePass = bare.prepare(`SELECT t.status, CASE WHEN t.assignee_id IS NULL THEN 1 ELSE 0 END AS u, t.inbox_id, t.channel, t.team_id,
    CASE WHEN t.automatic IS NULL THEN 0 ELSE 1 END AS a, CASE WHEN t.snoozed IS NULL THEN 0 ELSE 1 END AS s, COUNT(*) AS n
    FROM tickets t WHERE t.merged_into_id IS NULL GROUP BY 1, 2, 3, 4, 5, 6, 7`);
  const time = (fn: () => unknown, n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      fn();
      out.push(performance.now() - t0);
    }
    return timing(out);
  };
  const bareRowsT = time(() => bareRows.all(), rounds);
  const barePassT = time(() => barePass.all(), Math.max(3, Math.min(10, Math.floor(rounds / 20))));

  for (let i = 0; i < 10; i++) {
    await change();
    await get('/inbox');
  }
  const pages: number[] = [];
  const lives: number[] = [];
  const changes: number[] = [];
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  for (let i = 0; i < rounds; i++) {
    let t0 = performance.now();
    await change();
    changes.push(performance.now() - t0);
    t0 = performance.now();
    await get(i % 2 ? '/inbox' : '/inbox?view=mine');
    pages.push(performance.now() - t0);
    await change();
    t0 = performance.now();
    await get('/inbox/live?view=unassigned');
    lives.push(performance.now() - t0);
  }
  loop.disable();
  // The same page with nothing changed in between: what the page costs on this machine anyway.
  const quiet: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await get(i % 2 ? '/inbox' : '/inbox?view=mine');
    quiet.push(performance.now() - t0);
  }
  const loopDelay = { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };

  // The counts shown are the true ones: the sidebar's "Unassigned" against a bare count.
  const live = JSON.parse(await get('/inbox/live?view=unassigned')) as { counts: Record<string, number> };
  const trueUnassigned = Number((bare.prepare(`SELECT COUNT(*) AS n FROM tickets WHERE merged_into_id IS NULL AND status IN ('new', 'open', 'pending') AND assignee_id IS NULL AND automatic IS NULL AND snoozed IS NULL`).get() as { n: number }).n);

  // One reconciliation over every ticket, in its bounded steps, with the loop watched.
  const recLoop = monitorEventLoopDelay({ resolution: 5 });
  recLoop.enable();
  const r0 = performance.now();
  const fixed = await reconcileCounts(chorus.s);
  const reconcileSecs = (performance.now() - r0) / 1000;
  recLoop.disable();

  bare.close();
  await chorus.close();
  return {
    tickets, rounds, bareRows: bareRowsT, barePass: barePassT, page: timing(pages), quiet: timing(quiet), live: timing(lives), change: timing(changes), loopDelay,
    unassigned: { shown: live.counts.unassigned, counted: trueUnassigned },
    reconcile: { secs: reconcileSecs, fixed, loopMax: recLoop.max / 1e6, loopP99: recLoop.percentile(99) / 1e6 },
  };
}
