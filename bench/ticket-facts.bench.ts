import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAgent } from '../src/agents/create-agent';
import { createChorus } from '../src/app';
import { loadConfig } from '../src/config';
import { contactRepository } from '../src/db/repositories/contact.repository';
import { createInbox } from '../src/inboxes/create-inbox';
import { createLogger } from '../src/logger';
import { onFactsToSettle } from '../src/db/repositories/report-settle-signal';
import { backfillFacts } from '../src/reports/backfill';
import { settleFacts } from '../src/reports/settle-facts';
import { factsWriter } from '../src/reports/facts-writer';
import { addNote } from '../src/tickets/commands/add-note';
import { addReply } from '../src/tickets/commands/add-reply';
import { assign } from '../src/tickets/commands/assign';
import { changeStatus } from '../src/tickets/commands/change-status';
import { changeVisibility } from '../src/tickets/commands/change-visibility';
import { contactReply } from '../src/tickets/commands/contact-reply';
import Database from 'better-sqlite3';
import { envInt } from './util';

// Statements executed (every better-sqlite3 run/get/all/iterate), counted per side: a figure the
// machine's load cannot move.
let executed = 0;
function countStatements(): () => void {
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, (...a: unknown[]) => unknown>;
  probe.close();
  const saved = (['run', 'get', 'all', 'iterate'] as const).map((k) => [k, proto[k]] as const);
  for (const [k, fn] of saved) proto[k] = function (this: unknown, ...a: unknown[]) { executed++; return fn.apply(this, a); };
  return () => { for (const [k, fn] of saved) proto[k] = fn; };
}

type Writer = typeof factsWriter;

// The ticket commands' cost of keeping reporting facts: the same life of a ticket (mail in, assign,
// reply, note, customer answer that reopens, solve; a public question answered by a member)
// with the facts writer as shipped and with it replaced by no-ops, on a fresh SQLite file each.
// Settling the facts into the rollups (settle-facts.ts) is timed too: at the end of each slice.
// Each round opens two instances side by side, one keeping facts and one with the writer
// replaced by no-ops, and hands them the same ticket lives in slices of ten in turn (with,
// without, without, with, …). A round's ratio is its total time with over without, and the cost
// is the median of the rounds' ratios: a load that drifts over the run lands on both sides of
// every slice pair and cancels out. The same is also counted in the process's CPU time (user +
// system), which other processes on busy cores do not inflate as they do the wall clock.
export async function benchTicketFacts() {
  const tickets = envInt('BENCH_FACT_TICKETS', 300, 20, 100_000);
  const rounds = envInt('BENCH_ROUNDS', 5, 1, 100);
  const slice = 10;
  const original: Writer = { ...factsWriter };
  const off: Writer = { ...original, ticketCreated: async () => {}, statusChanged: async () => {}, assigned: async () => {}, answerAccepted: async () => {}, message: async () => {}, rebuild: async () => {} };
  const times = { on: [] as number[], off: [] as number[] };
  const cpu = { on: [] as number[], off: [] as number[] };
  const statements = { on: 0, off: 0 };
  const uncount = countStatements();
  let backfill = { rows: 0, perSec: 0 };
  try {
    for (let r = 0; r < rounds; r++) {
      const sides = { on: await openInstance(), off: await openInstance() };
      const spent = { on: 0, off: 0 };
      const used = { on: 0, off: 0 };
      // One untimed life on each first (the first commands compile the code both sides run).
      for (const mode of ['on', 'off'] as const) {
        Object.assign(factsWriter, mode === 'on' ? original : off);
        await lifeOfTicket(sides[mode], tickets);
      }
      for (let from = 0, k = 0; from < tickets; from += slice, k++) {
        for (const mode of (r + k) % 2 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
          Object.assign(factsWriter, mode === 'on' ? original : off);
          const t0 = performance.now();
          const c0 = process.cpuUsage();
          const s0 = executed;
          for (let i = from; i < Math.min(tickets, from + slice); i++) await lifeOfTicket(sides[mode], i);
          // The facts are settled into the rollups within the slice's time (both sides ask).
          await settleFacts(sides[mode].s.db);
          const c = process.cpuUsage(c0);
          spent[mode] += performance.now() - t0;
          used[mode] += (c.user + c.system) / 1000;
          statements[mode] += executed - s0;
        }
      }
      Object.assign(factsWriter, original);
      // reports:backfill over what was just written (clears and rebuilds every ticket's facts).
      const t0 = performance.now();
      const b = await backfillFacts(sides.on.s.db);
      const perSec = b.facts / ((performance.now() - t0) / 1000);
      if (perSec > backfill.perSec) backfill = { rows: b.facts, perSec };
      await sides.on.close();
      await sides.off.close();
      times.on.push(spent.on);
      times.off.push(spent.off);
      cpu.on.push(used.on);
      cpu.off.push(used.off);
    }
  } finally {
    Object.assign(factsWriter, original);
    uncount();
  }
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const roundCosts = times.on.map((on, i) => on / times.off[i] - 1);
  const cpuCosts = cpu.on.map((on, i) => on / cpu.off[i] - 1);
  return {
    tickets, rounds, onPerSec: tickets / (median(times.on) / 1000), offPerSec: tickets / (median(times.off) / 1000), cost: median(roundCosts), roundCosts,
    statementsPerLife: { on: statements.on / (tickets * rounds), off: statements.off / (tickets * rounds) },
    cpu: { onMsPerTicket: median(cpu.on) / tickets, offMsPerTicket: median(cpu.off) / tickets, cost: median(cpuCosts), roundCosts: cpuCosts }, backfill,
  };
}

type Instance = Awaited<ReturnType<typeof openInstance>>;

async function openInstance() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chorus-bench-facts-'));
  const config = loadConfig({ CHORUS_DATA_DIR: dir, CHORUS_SECRET: 'bench-secret-0123456789', CHORUS_SMTP_ENABLED: 'false', LOG_LEVEL: 'silent', NODE_ENV: 'production' }, { readDotEnv: false });
  const chorus = await createChorus(config, { logger: createLogger('silent') });
  const s = chorus.s;
  const inbox = await createInbox(s.db, Date.now(), { name: 'bench', channel: 'email', address: 'support@bench.test' });
  const admin = await createAgent(s.db, Date.now(), { email: 'lead@bench.test', name: 'Lead', password: null, role: 'admin' });
  const agent = { kind: 'agent' as const, agentId: admin.id, role: 'admin' as const, name: 'Lead' };
  const member = await s.db.write((m) => contactRepository.create(m, 'Member', Date.now()));
  // The settler's own timer is off: each slice settles its facts itself, inside its time.
  onFactsToSettle(s.db.ds, null);
  const close = async () => {
    await chorus.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { s, inbox, admin, agent, member, close };
}

const mail = (i: number, k: number, reply?: string) =>
  `From: c${i}@x.test\r\nTo: support@bench.test\r\nSubject: ${reply ? 'Re: ' : ''}Question ${i}\r\nMessage-ID: <q${i}-${k}@x.test>\r\n${reply ? `In-Reply-To: ${reply}\r\n` : ''}\r\nHello, this is question number ${i}.\r\n`;

async function lifeOfTicket({ s, inbox, admin, agent, member }: Instance, i: number): Promise<void> {
  const [first] = await s.ingest.ingest(inbox, [{ key: `q${i}`, raw: mail(i, 1), rawType: 'email.rfc822' }]);
  const id = first.ticketId!;
  await assign(s.commands, agent, id, { agentId: admin.id });
  await addReply(s.commands, agent, id, { audience: 'participants', text: 'Try this.', status: 'solved' });
  await addNote(s.commands, agent, id, { text: 'old plan' });
  await s.ingest.ingest(inbox, [{ key: `r${i}`, raw: mail(i, 2, `<q${i}-1@x.test>`), rawType: 'email.rfc822' }]);
  await changeStatus(s.commands, agent, id, 'solved');
  // Every tenth is a public question a member answers before the agent does.
  if (i % 10 === 0) {
    await changeVisibility(s.commands, agent, id, 'public');
    await contactReply(s.commands, { kind: 'contact', contactId: member, name: 'Member' }, id, { text: 'It works for me.' }).catch(() => undefined);
  }
}
