import fs from 'node:fs';
import Database from 'better-sqlite3';
import { createInbox } from '../src/inboxes/create-inbox';
import { hmacHex } from '../src/channels/signature';
import { addRules, start } from './rules.bench';
import { blast, envInt } from './util';

type Counts = Map<string, number>;

// Every SQL statement better-sqlite3 runs in this process, by its text, while `counting` is on:
// the load-independent side of the rules figure (ingest's time is mostly TypeORM building and
// hydrating statements, so what the rules cost is close to the statements they add).
let counting: Counts | null = null;
function countStatements(): void {
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, (...a: unknown[]) => unknown>;
  probe.close();
  if ((proto as { __counted?: boolean }).__counted) return;
  (proto as { __counted?: boolean }).__counted = true;
  for (const name of ['run', 'get', 'all', 'iterate']) {
    const orig = proto[name];
    proto[name] = function (this: { source: string }, ...args: unknown[]) {
      if (counting) counting.set(this.source, (counting.get(this.source) ?? 0) + 1);
      return orig.apply(this, args);
    };
  }
}

const shape = (sql: string) => sql.replace(/\s+/g, ' ').slice(0, 160);

// Statements per API ticket with no rules and with the bench's 50, each ticket posted alone and
// its rules run to the end before the next (after `warm` untimed ones, so caches are as in a run).
export async function benchRulesStatements() {
  countStatements();
  const tickets = envInt('BENCH_RULES_STATEMENT_TICKETS', 50, 1, 10_000);
  const warm = 20;
  const one = async (rules: number) => {
    const { chorus, port, dir } = await start('rules-statements');
    const inbox = await createInbox(chorus.s.db, Date.now(), { name: 'bench', channel: 'api' });
    await addRules(chorus, rules);
    const body = (i: number) => {
      const raw = JSON.stringify({ externalId: `s-${i}`, author: { id: `u-${i}`, name: `Customer ${i}` }, subject: `Question ${i}`, text: `Hello, question ${i}. `.repeat(4), audience: 'private' });
      return { raw, headers: { 'x-chorus-signature': `sha256=${hmacHex(inbox.secret, Buffer.from(raw))}` } };
    };
    const counts: Counts = new Map();
    for (let i = 0; i < warm + tickets; i++) {
      if (i === warm) counting = counts;
      await blast(port, `/api/inboxes/${inbox.id}/messages`, (k) => body(i + k), 1, 1);
      await chorus.s.bus.drain();
    }
    counting = null;
    await chorus.close();
    fs.rmSync(dir, { recursive: true, force: true });
    return counts;
  };
  const none = await one(0);
  const fifty = await one(50);
  const total = (c: Counts) => [...c.values()].reduce((a, b) => a + b, 0) / tickets;
  // What the rules add, statement by statement (per ticket), most first.
  const added = new Map<string, number>();
  for (const [sql, n] of fifty) added.set(shape(sql), (added.get(shape(sql)) ?? 0) + n);
  for (const [sql, n] of none) added.set(shape(sql), (added.get(shape(sql)) ?? 0) - n);
  const diff = [...added].filter(([, n]) => n !== 0).map(([sql, n]) => ({ sql, perTicket: n / tickets })).sort((a, b) => b.perTicket - a.perTicket);
  return { tickets, none: total(none), fifty: total(fifty), diff };
}
