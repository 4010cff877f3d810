import type { Direction } from '../src/db/entities';
import type { DomainEvent } from '../src/events/event-map';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createAdapter } from '@socket.io/redis-adapter';
import Database from 'better-sqlite3';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { io as ioClient, type Socket } from 'socket.io-client';
import { createChorus, type Chorus } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { seededPages } from './agent-pages.bench';
import { countStatements } from './api-ingest.bench';
import { envInt, percentile, profiled, type Timing } from './util';

// Live fan-out on two nodes through Redis, beside bare socket.io with the Redis adapter in the
// same run: `customers` customer sockets, each on its own ticket, and `agents` agent sockets that
// between them have every one of those tickets open. Message events (a customer's message, a
// staff note, a reply, in turn) are published on the bus of the node that owns the ticket — what
// a post landing there does after its commit — so what is timed is Chorus's part: finding the
// rooms, loading and presenting the message per audience, the adapter and the delivery. The bare
// servers emit the very payloads Chorus delivered to the same rooms, from the same node.
// Every customer sits on the node that does not publish its ticket, so each customer delivery
// crosses Redis; agents alternate between the nodes.
//   paced: `rate` events/s for `secs` s, latency from publish to the client's receipt;
//   burst: `burst` events at once, deliveries/s until the last one arrived.
// Clients, both nodes and the bare servers share this process (and its 2 cores).
type Kind = 'staff' | 'participants';
interface Delivery { at: number[]; got: number }

export async function benchFanout() {
  const customers = envInt('BENCH_FANOUT_CUSTOMERS', 500, 2, 5_000);
  const agents = envInt('BENCH_FANOUT_AGENTS', 20, 1, 1_000);
  const rate = envInt('BENCH_FANOUT_RATE', 200, 1, 100_000);
  const secs = envInt('BENCH_FANOUT_SECS', 5, 1, 600);
  const burst = envInt('BENCH_FANOUT_BURST', 2_000, 1, 1_000_000);
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const seedFile = await seededPages(Math.max(1_000, customers));
  const file = path.join(path.dirname(seedFile), `chorus-bench-fanout-${process.pid}.sqlite`);
  for (const ext of ['', '-wal', '-shm']) fs.rmSync(file + ext, { force: true });
  fs.copyFileSync(seedFile, file);
  addAgents(file, agents);

  // The seed: ticket i (1…) has requester contact i (distinct for the first 1,000) and three
  // messages: the customer's, a staff note, a reply.
  const prefix = `chorus-bench-fanout-${process.pid}`;
  const env = { DATABASE_URL: `sqlite:${file}`, CHORUS_DATA_DIR: path.dirname(file), CHORUS_SECRET: 'bench-secret-0123456789', CHORUS_SMTP_ENABLED: 'false', CHORUS_WORKERS: 'false', LOG_LEVEL: 'silent', NODE_ENV: 'production', REDIS_URL: redisUrl, REDIS_CHANNEL_PREFIX: prefix } as const;
  const nodes: Chorus[] = [];
  for (let n = 0; n < 2; n++) nodes.push(await createChorus(loadConfig({ ...env }, { readDotEnv: false }), { logger: createLogger('silent') }));
  const ports = await Promise.all(nodes.map((c) => c.listen(0, '127.0.0.1')));
  const m = nodes[0].s.db.m;
  const tickets = (await m.query('SELECT id, requester_id AS contact FROM tickets ORDER BY id LIMIT ?', [customers])) as { id: number; contact: number }[];
  const messages = (await m.query(`SELECT id, ticket_id AS ticket, audience, channel, direction FROM messages WHERE ticket_id <= ? ORDER BY id`, [tickets[tickets.length - 1].id])) as { id: number; ticket: number; audience: string; channel: string; direction: Direction }[];
  const byTicket = new Map<number, { id: number; staffOnly: boolean; channel: string; direction: Direction }[]>();
  for (const x of messages) byTicket.set(x.ticket, [...(byTicket.get(x.ticket) ?? []), { id: x.id, staffOnly: x.audience === 'staff', channel: x.channel, direction: x.direction }]);
  const agentIds = ((await m.query("SELECT id FROM agents WHERE active = 1 AND role = 'agent' ORDER BY id LIMIT ?", [agents])) as { id: number }[]).map((r) => r.id);
  if (agentIds.length < agents) throw new Error(`the seed has ${agentIds.length} agents, fewer than BENCH_FANOUT_AGENTS=${agents}`);
  const publisher = (ticket: number) => ticket % 2;
  const agentOf = (i: number) => i % agents;

  // Where each client sits and which rooms it is in; the same for Chorus and the bare servers.
  const plan = [
    ...tickets.map((t) => ({ node: 1 - publisher(t.id), kind: 'participants' as Kind, tickets: [t.id], contact: t.contact, agent: 0 })),
    ...agentIds.map((agent, j) => ({ node: j % 2, kind: 'staff' as Kind, tickets: tickets.filter((_, i) => agentOf(i) === j).map((t) => t.id), contact: 0, agent })),
  ];
  const connect = (port: number, opts: { cookie?: string }) => new Promise<Socket>((resolve, reject) => {
    const so = ioClient(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: opts.cookie ? { cookie: opts.cookie } : undefined });
    so.once('connect', () => resolve(so));
    so.once('connect_error', reject);
  });

  // The events, in the order they are published: tickets in turn, each one's messages in turn.
  const events = (n: number) => Array.from({ length: n }, (_, i) => {
    const t = tickets[i % tickets.length];
    const msgs = byTicket.get(t.id)!;
    const msg = msgs[Math.floor(i / tickets.length) % msgs.length];
    return { ticket: t.id, message: msg.id, staffOnly: msg.staffOnly, channel: msg.channel, direction: msg.direction };
  });

  // One run: per ticket and room kind, the publish times in order; a client's k-th receipt on a
  // ticket is that ticket's k-th publish for its kind (one publisher per ticket keeps the order).
  async function run(sockets: { so: Socket; kind: Kind }[], publish: (e: ReturnType<typeof events>[number]) => void, list: ReturnType<typeof events>, paced: boolean) {
    const times = new Map<string, Delivery>();
    const latencies: number[] = [];
    let expected = 0;
    let got = 0;
    let last = 0;
    for (const e of list) expected += e.staffOnly ? 1 : 2;
    let done!: () => void;
    const all = new Promise<void>((r) => (done = r));
    const handlers = sockets.map(({ so, kind }) => {
      const on = (msg: { ticketId: number }) => {
        const now = performance.now();
        const d = times.get(`${msg.ticketId}:${kind}`);
        if (!d) return;
        latencies.push(now - d.at[d.got++]);
        last = now;
        if (++got === expected) done();
      };
      so.on('message.created', on);
      return () => so.off('message.created', on);
    });
    const record = (e: (typeof list)[number]) => {
      const now = performance.now();
      for (const kind of (e.staffOnly ? ['staff'] : ['staff', 'participants']) as Kind[]) {
        const key = `${e.ticket}:${kind}`;
        const d = times.get(key) ?? { at: [], got: 0 };
        d.at.push(now);
        times.set(key, d);
      }
      publish(e);
    };
    const started = performance.now();
    if (paced) {
      // Every 10 ms, the events due by then.
      let sent = 0;
      await new Promise<void>((resolve) => {
        const tick = setInterval(() => {
          const due = Math.min(list.length, Math.floor(((performance.now() - started) / 1000) * rate));
          while (sent < due) record(list[sent++]);
          if (sent >= list.length) {
            clearInterval(tick);
            resolve();
          }
        }, 10);
      });
    } else for (const e of list) record(e);
    const timeout = new Promise<void>((r) => setTimeout(r, 120_000).unref());
    await Promise.race([all, timeout]);
    handlers.forEach((off) => off());
    const sorted = latencies.sort((x, y) => x - y);
    const t: Timing = { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
    return { expected, got, secs: ((last || performance.now()) - started) / 1000, perSec: got / (((last || performance.now()) - started) / 1000), ...t, latencies: sorted };
  }

  // Chorus: sessions as a browser's, each agent with its tickets' pages open.
  const chorusSockets: { so: Socket; kind: Kind }[] = [];
  const payloads = new Map<string, unknown>(); // `${messageId}:${kind}` → what Chorus delivered
  for (const p of plan) {
    const { sid } = await nodes[p.node].s.sessions.create(p.kind === 'staff' ? { agentId: p.agent } : { contactId: p.contact });
    const so = await connect(ports[p.node], { cookie: `chorus_sid=${sid}` });
    for (const ticketId of p.tickets) {
      const r = await so.timeout(10_000).emitWithAck('ticket:join', { ticketId });
      if (!r.ok || r.audience !== p.kind) throw new Error(`ticket:join ${ticketId} as ${p.kind} answered ${JSON.stringify(r)}`);
    }
    chorusSockets.push({ so, kind: p.kind });
  }
  const capture = chorusSockets.map(({ so, kind }) => {
    const on = (msg: { id: number }) => {
      if (!payloads.has(`${msg.id}:${kind}`)) payloads.set(`${msg.id}:${kind}`, msg);
    };
    so.on('message.created', on);
    return () => so.off('message.created', on);
  });
  const chorusPublish = (e: ReturnType<typeof events>[number]) =>
    nodes[publisher(e.ticket)].s.bus.publish([{ name: 'message.created', payload: { ticketId: e.ticket, messageId: e.message, audience: e.staffOnly ? 'staff' : 'participants', channel: e.channel, direction: e.direction } } as DomainEvent<'message.created'>]);
  // Warm-up: every message once (statements prepared, and every payload captured for the bare run).
  const warm = events(messages.length);
  const warmed = await run(chorusSockets, chorusPublish, warm, false);
  if (warmed.got !== warmed.expected) throw new Error(`warm-up: ${warmed.got} of ${warmed.expected} deliveries arrived`);
  capture.forEach((off) => off());

  // Bare socket.io, two servers on the Redis adapter; clients join their rooms by asking.
  const bare = await Promise.all([0, 1].map(async () => {
    const server = http.createServer();
    const io = new Server(server);
    const pub = createClient({ url: redisUrl });
    const sub = pub.duplicate();
    await Promise.all([pub.connect(), sub.connect()]);
    io.adapter(createAdapter(pub, sub, { key: `${prefix}-bare` }));
    io.on('connection', (so) => so.on('join', async (names: string[], ack: () => void) => {
      await so.join(names);
      ack();
    }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { io, server, pub, sub, port: (server.address() as { port: number }).port };
  }));
  const bareSockets: { so: Socket; kind: Kind }[] = [];
  for (const p of plan) {
    const so = await connect(bare[p.node].port, {});
    await so.timeout(10_000).emitWithAck('join', p.tickets.map((t) => `ticket:${t}:${p.kind}`));
    bareSockets.push({ so, kind: p.kind });
  }
  const barePublish = (e: { ticket: number; message: number; staffOnly: boolean }) => {
    const io = bare[publisher(e.ticket)].io;
    io.to(`ticket:${e.ticket}:staff`).emit('message.created', payloads.get(`${e.message}:staff`));
    if (!e.staffOnly) io.to(`ticket:${e.ticket}:participants`).emit('message.created', payloads.get(`${e.message}:participants`));
  };
  await run(bareSockets, barePublish, warm, false);

  // Chorus and bare take turns (`BENCH_FANOUT_TURNS`), every client of both connected all along,
  // so a slow spell of the machine falls on both; each side's p50/p99 is over all its turns'
  // deliveries.
  const turns = envInt('BENCH_FANOUT_TURNS', 3, 1, 20);
  const presentedBefore = await presentedCount(nodes);
  const paced = events(rate * secs);
  const bursts = events(burst);
  const runs = { chorusPaced: [] as Run[], barePaced: [] as Run[], chorusBurst: [] as Run[], bareBurst: [] as Run[] };
  // Each run starts on a collected heap (with --expose-gc, as `npm run bench` runs), so the
  // garbage one side left is not collected in the other's time.
  const collected = () => (globalThis as { gc?: () => void }).gc?.();
  for (let t = 0; t < turns; t++) {
    const name = turns > 1 ? `-${t + 1}` : '';
    collected();
    runs.chorusPaced.push(await profiled(`fanout-paced${name}`, () => run(chorusSockets, chorusPublish, paced, true)));
    collected();
    runs.barePaced.push(await run(bareSockets, barePublish, paced, true));
    collected();
    runs.chorusBurst.push(await profiled(`fanout-burst${name}`, () => run(chorusSockets, chorusPublish, bursts, false)));
    collected();
    runs.bareBurst.push(await run(bareSockets, barePublish, bursts, false));
  }
  const presented = (await presentedCount(nodes)) - presentedBefore;
  // SQL statements both nodes run per event (every bus listener's, not only the broadcaster's),
  // counted in a shorter pass after the turns: the counters wrap every statement, and they are
  // load-independent, unlike the latencies.
  const counted = nodes.map((c) => countStatements(c.s.db.ds));
  const statements = () => counted.reduce((n, c) => n + c.statements, 0);
  const countedPaced = paced.slice(0, Math.min(paced.length, rate));
  await run(chorusSockets, chorusPublish, countedPaced, true);
  const pacedStatements = statements();
  const countedBurst = bursts.slice(0, Math.min(bursts.length, 500));
  await run(chorusSockets, chorusPublish, countedBurst, false);
  const burstStatements = statements() - pacedStatements;
  for (const { so } of [...chorusSockets, ...bareSockets]) so.close();
  await Promise.all(nodes.map((c) => c.close()));
  for (const ext of ['', '-wal', '-shm']) fs.rmSync(file + ext, { force: true });
  for (const b of bare) {
    await new Promise<void>((r) => b.io.close(() => r()));
    await Promise.allSettled([b.pub.quit(), b.sub.quit()]);
  }

  const chorusPaced = pooled(runs.chorusPaced);
  const barePaced = pooled(runs.barePaced);
  const chorusBurst = pooled(runs.chorusBurst);
  const bareBurst = pooled(runs.bareBurst);
  return {
    customers, agents, rate, secs, burst, turns, presented,
    statementsPerEvent: { paced: pacedStatements / countedPaced.length, burst: burstStatements / countedBurst.length },
    paced: { chorus: chorusPaced, bare: barePaced, p50Ratio: chorusPaced.p50 / barePaced.p50, p99Ratio: chorusPaced.p99 / barePaced.p99, turnRatios: runs.chorusPaced.map((c, i) => c.p99 / runs.barePaced[i].p99) },
    burstRun: { chorus: chorusBurst, bare: bareBurst, ratio: chorusBurst.perSec / bareBurst.perSec, p99Ratio: chorusBurst.p99 / bareBurst.p99 },
    loadavg: fs.readFileSync('/proc/loadavg', 'utf8').trim(),
  };
}

interface Run extends Timing { expected: number; got: number; secs: number; perSec: number; latencies: number[] }

// Several turns of one side as one: deliveries and time summed, percentiles over every delivery.
function pooled(list: Run[]): Omit<Run, 'latencies'> {
  const all = list.flatMap((r) => r.latencies).sort((x, y) => x - y);
  const got = list.reduce((n, r) => n + r.got, 0);
  const secs = list.reduce((n, r) => n + r.secs, 0);
  return { expected: list.reduce((n, r) => n + r.expected, 0), got, secs, perSec: got / secs, p50: percentile(all, 50), p99: percentile(all, 99) };
}

async function presentedCount(nodes: Chorus[]) {
  let n = 0;
  for (const c of nodes) n += (await c.s.metrics.socketPresented.get()).values.reduce((x, v) => x + v.value, 0);
  return n;
}

// The page seed has 40 agents; a larger run (the 1,000 agent sockets of the goal) gets more in
// its own copy, each a copy of the first agent with its own address.
function addAgents(file: string, wanted: number): void {
  const db = new Database(file);
  try {
    const have = (db.prepare("SELECT COUNT(*) AS n FROM agents WHERE active = 1 AND role = 'agent'").get() as { n: number }).n;
    if (have >= wanted) return;
    const first = db.prepare("SELECT * FROM agents WHERE active = 1 AND role = 'agent' ORDER BY id LIMIT 1").get() as Record<string, unknown>;
    const cols = Object.keys(first).filter((c) => c !== 'id');
    const insert = db.prepare(`INSERT INTO agents (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`);
    db.transaction(() => {
      for (let i = have; i < wanted; i++) insert.run({ ...first, email: `fanout-agent-${i}@bench.test`, name: `Fan-out agent ${i}` });
    })();
  } finally {
    db.close();
  }
}
