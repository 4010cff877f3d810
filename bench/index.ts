import os from 'node:os';
import { benchApiIngest } from './api-ingest.bench';
import { benchEmailSmtp } from './email-smtp.bench';
import { benchInboxList } from './inbox-list.bench';
import { benchAgentPages } from './agent-pages.bench';
import { benchInboxCounts } from './inbox-counts.bench';
import { benchReports } from './reports.bench';
import { benchInstanceExport } from './instance-export.bench';
import { benchCommandCentre } from './command-centre.bench';
import { benchTicketFacts } from './ticket-facts.bench';
import { benchWebhooks } from './webhooks.bench';
import { benchRulesIngest, benchRulesSweep } from './rules.bench';
import { benchRulesStatements } from './rules-statements.bench';
import { benchExport } from './export.bench';
import { benchAgentsLoad } from './agents-load.bench';
import { benchListening } from './listening.bench';
import { benchListeningView } from './listening-view.bench';
import { benchFanout } from './fanout.bench';

const f = (n: number, d = 2) => n.toFixed(d);

// `npm run bench`: each figure beside its bare library, measured in the same run.
async function main() {
  console.log(`Chorus benchmarks — node ${process.version}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB\n`);
  // BENCH_ONLY=api,smtp,list,pages,facts,rules runs a subset; reports, live, webhooks and the 1M-ticket rule sweep run only when named (BENCH_ONLY=reports, live, webhooks, sweep, export, instance, load, listening, fanout).
  const only = (process.env.BENCH_ONLY ?? 'api,smtp,list,pages,facts,rules').split(',').map((x) => x.trim());
  const known = ['api', 'smtp', 'list', 'pages', 'reports', 'live', 'facts', 'webhooks', 'rules', 'rules-statements', 'sweep', 'export', 'instance', 'load', 'listening', 'fanout'];
  const unknown = only.filter((x) => !known.includes(x));
  if (unknown.length) throw new Error(`BENCH_ONLY takes ${known.join(', ')} (got ${unknown.join(', ')})`);

  if (only.includes('api')) {
  const api = await benchApiIngest();
  console.log(`API channel → tickets (${api.count} posts, ${api.concurrency} in flight, ${api.rounds} rounds taking turns with bare express)`);
  console.log(`  Chorus: ${f(api.oursRps, 0)} tickets/s (${api.oursFailures} failures)   bare express: ${f(api.bareRps, 0)} req/s   ratio ${f(api.ratio, 3)} (rounds: ${api.roundRatios.map((x) => f(x, 3)).join(', ')})`);
  console.log(`  per post: ${f(api.perPost.statements, 1)} SQL statements, ${f(api.perPost.commits, 2)} commits, ${f(api.oursCpuMs, 1)} ms CPU, ${f(api.perPost.sqliteMs, 2)} ms of it in SQLite (bare express ${f(api.bareCpuMs, 1)} ms; both include the load generator; statements and SQLite time from a counted pass after the timed rounds)\n`);

  }
  if (only.includes('smtp')) {
  console.log('E-mail over SMTP → threaded tickets, beside bare smtp-server + mailparser');
  for (const r of await benchEmailSmtp()) {
    console.log(`  ${r.name.padEnd(24)} ${r.count} mails   Chorus: ${f(r.oursPerSec, 0)} mails/s   bare: ${f(r.barePerSec, 0)} mails/s   ratio ${f(r.ratio, 2)} (${r.rounds} rounds: ${r.roundRatios.map((x) => f(x, 2)).join(', ')})`);
    console.log(`  ${''.padEnd(24)} per mail: ${f(r.statements, 1)} SQL statements, ${f(r.commits, 2)} commits, ${f(r.oursCpuMs, 1)} ms CPU, ${f(r.sqliteMs, 2)} ms of it in SQLite (bare ${f(r.bareCpuMs, 1)} ms; both include the sending client; statements and SQLite time from a counted pass after)`);
  }
  console.log('');
  }

  if (only.includes('export')) {
    const r = await benchExport();
    console.log(`Ticket export: ${r.messages} messages, ${f(r.attachmentMb, 1)} MB of attachments → ${f(r.zipMb, 1)} MB ZIP over HTTP (status ${r.status})`);
    console.log(`  ${f(r.mbPerSec, 1)} MB/s in ${f(r.secs, 2)} s; peak RSS growth while streaming ${f(r.peakRssGrowthMb, 1)} MB   bare blob reads row by row: ${f(r.bareMbPerSec, 1)} MB/s   ratio ${f(r.mbPerSec / r.bareMbPerSec, 2)}\n`);
  }
  if (only.includes('listening')) {
    const r = await benchListening();
    console.log(`Listening: a Mastodon stream poll of 100 new posts (fake server), ${r.rounds} rounds; goal: under 1,000 ms from poll start to the posts committed`);
    console.log(`  Chorus poll → committed p50/max: ${f(r.poll.p50, 1)} / ${f(r.poll.max, 1)} ms   → every post scored and its stream's rule decided too: ${f(r.scored.p50, 1)} / ${f(r.scored.max, 1)} ms   bare fetch + JSON + 100 better-sqlite3 inserts: ${f(r.bare.p50, 1)} / ${f(r.bare.max, 1)} ms   ratio ${f(r.poll.p50 / r.bare.p50, 1)}×`);
    console.log(`  with an auto-ticket rule (reach ≥ 12,000: ${r.ruled.tickets} tickets in ${r.ruled.rounds} polls): poll → committed p50/max ${f(r.ruled.poll.p50, 1)} / ${f(r.ruled.poll.max, 1)} ms   → the matching posts public tickets: ${f(r.ruled.converted.p50, 1)} / ${f(r.ruled.converted.max, 1)} ms`);
    const v = await benchListeningView();
    console.log(`Listening view at ${v.items.toLocaleString('en')} posts (${v.newItems.toLocaleString('en')} waiting; seeding ${f(v.seedSecs, 1)} s, cached); goal: p99 under 200 ms`);
    console.log('  request                              | bare SQL p50/p99 ms | Chorus p50/p99 ms | ratio');
    for (const c of v.cases) console.log(`  ${c.name.padEnd(36)} | ${`${f(c.bare.p50, 2)} / ${f(c.bare.p99, 2)}`.padEnd(19)} | ${`${f(c.chorus.p50, 1)} / ${f(c.chorus.p99, 1)}`.padEnd(17)} | ${f(c.chorus.p50 / c.bare.p50, 1)}×`);
    console.log('');
  }
  if (only.includes('instance')) {
    const r = await benchInstanceExport();
    console.log(`Whole-instance export (archive:export) at ${r.tickets.toLocaleString('en')} tickets: ${r.rows.toLocaleString('en')} rows, ${f(r.mb, 0)} MB of JSONL (seeding ${f(r.seedSecs, 1)} s, cached)`);
    console.log(`  Chorus: ${f(r.rowsPerSec, 0)} rows/s in ${f(r.secs, 1)} s   bare better-sqlite3 iterate + JSON lines: ${f(r.bareRowsPerSec, 0)} rows/s in ${f(r.bareSecs, 1)} s   ratio ${f(r.ratio, 2)}\n`);
  }
  if (only.includes('list')) {
  const list = await benchInboxList();
  console.log(`Inbox list at ${list.tickets.toLocaleString('en')} tickets (${list.rounds} rounds; seeding ${f(list.seedSecs, 1)} s, cached after the first run)`);
  console.log('  list               | bare SQL p50/p99 ms | Chorus list p50/p99 ms | ratio | bare express+SQL p50/p99 ms | GET /api/tickets p50/p99 ms | ratio');
  for (const r of list.results) {
    console.log(`  ${r.name.padEnd(18)} | ${`${f(r.bare.p50, 3)} / ${f(r.bare.p99, 3)}`.padEnd(19)} | ${`${f(r.repository.p50, 3)} / ${f(r.repository.p99, 3)}`.padEnd(22)} | ${`${f(r.ratio)}×`.padEnd(5)} | ${`${f(r.bareHttp.p50)} / ${f(r.bareHttp.p99)}`.padEnd(27)} | ${`${f(r.http.p50)} / ${f(r.http.p99)}`.padEnd(27)} | ${f(r.httpRatio)}×`);
  }
  console.log('');
  const c = await benchInboxCounts();
  console.log(`/inbox right after a ticket change at ${c.tickets.toLocaleString('en')} tickets (SQLite, ${c.rounds} rounds, kept counts); goal: p99 < 100 ms, never blocks`);
  console.log(`  GET /inbox (HTML, every sidebar count) p50/p99: ${f(c.page.p50, 1)} / ${f(c.page.p99, 1)} ms (with no change before it: ${f(c.quiet.p50, 1)} / ${f(c.quiet.p99, 1)} ms)   GET /inbox/live: ${f(c.live.p50, 1)} / ${f(c.live.p99, 1)} ms   the change (assign) itself: ${f(c.change.p50, 1)} / ${f(c.change.p99, 1)} ms`);
  console.log(`  bare SQL, the page's rows: ${f(c.bareRows.p50, 2)} / ${f(c.bareRows.p99, 2)} ms   bare SQL, the grouped count pass the page ran before: ${f(c.barePass.p50, 0)} / ${f(c.barePass.p99, 0)} ms`);
  console.log(`  event loop delay during the requests: p99 ${f(c.loopDelay.p99, 1)} ms, max ${f(c.loopDelay.max, 1)} ms   "Unassigned" shown ${c.unassigned.shown.toLocaleString('en')}, counted ${c.unassigned.counted.toLocaleString('en')}`);
  console.log(`  reconciliation over every ticket: ${f(c.reconcile.secs, 1)} s, fixed ${JSON.stringify(c.reconcile.fixed)}, event loop delay p99 ${f(c.reconcile.loopP99, 1)} ms, max ${f(c.reconcile.loopMax, 1)} ms\n`);
  }

  if (only.includes('reports')) {
    const r = await benchReports();
    console.log(`Reports over 90 days at ${r.tickets.toLocaleString('en')} tickets, ${r.facts.toLocaleString('en')} facts (seeding ${f(r.seedSecs, 1)} s, cached after the first run); goal: every view < 500 ms`);
    if (Number.isNaN(r.rollups.secs)) console.log(`  rollups kept from the last run (BENCH_REPORT_KEEP=1): ${r.rollups.rows.toLocaleString('en')} rows and ${r.rollups.outcomes.toLocaleString('en')} outcome rows`);
    else console.log(`  rollups rebuilt from the facts: ${r.rollups.rows.toLocaleString('en')} rows and ${r.rollups.outcomes.toLocaleString('en')} outcome rows in ${f(r.rollups.secs, 1)} s (${f(r.rollups.perSec, 0)} facts/s)`);
    for (const v of r.views) console.log(`  ${v.view.padEnd(10)} p50/p99 ${f(v.t.p50, 1)} / ${f(v.t.p99, 1)} ms`);
    console.log(`  bare SQL aggregate (facts by kind, 90 days) p50 ${f(r.bare.p50, 1)} ms; overview ratio ${f(r.ratio, 1)}×\n`);
  }
  if (only.includes('live')) {
    const r = await benchCommandCentre();
    console.log(`Command centre at ${r.tickets.toLocaleString('en')} tickets, ${r.open.toLocaleString('en')} open (seeding ${f(r.seedSecs, 1)} s, cached after the first run); one computation serves every screen`);
    console.log(`  whole board p50/p99 ${f(r.board.p50, 1)} / ${f(r.board.p99, 1)} ms   bare open-per-channel count p50 ${f(r.bare.p50, 1)} ms`);
    for (const p of r.parts) console.log(`  ${p.name.padEnd(18)} p50/p99 ${f(p.t.p50, 1)} / ${f(p.t.p99, 1)} ms`);
    console.log('');
  }
  if (only.includes('facts')) {
    const r = await benchTicketFacts();
    console.log(`Ticket commands with reporting facts (${r.tickets} ticket lives: mail, assign, reply, note, reopen, solve; a tenth public with a member's answer); goal: < 10 % cost`);
    console.log(`  with facts: ${f(r.onPerSec, 1)} tickets/s   without: ${f(r.offPerSec, 1)} tickets/s (medians)   cost ${f(r.cost * 100, 1)} % (median of ${r.rounds} rounds' ratios: ${r.roundCosts.map((c) => `${f(c * 100, 1)} %`).join(', ')})   ratio ${f(1 + r.cost, 3)}`);
    console.log(`  CPU time: ${f(r.cpu.onMsPerTicket, 2)} ms a life with facts, ${f(r.cpu.offMsPerTicket, 2)} ms without (medians)   cost ${f(r.cpu.cost * 100, 1)} % (rounds: ${r.cpu.roundCosts.map((c) => `${f(c * 100, 1)} %`).join(', ')})`);
    console.log(`  statements a life: ${f(r.statementsPerLife.on, 1)} with facts, ${f(r.statementsPerLife.off, 1)} without (+${f(r.statementsPerLife.on - r.statementsPerLife.off, 1)})`);
    console.log(`  reports:backfill over those tickets: ${r.backfill.rows} facts at ${f(r.backfill.perSec, 0)} rows/s\n`);
  }

  if (only.includes('webhooks')) {
    const w = await benchWebhooks();
    console.log(`API ingest with three webhooks (public, participants, staff; every event) to a local receiver, ${w.count} posts, ${w.concurrency} in flight`);
    console.log(`  none: ${f(w.none.rps, 0)} tickets/s   three: ${f(w.three.rps, 0)} tickets/s   ratio ${f(w.ratio, 3)}   ${w.three.deliveries} deliveries signed and sent, ${f(w.three.deliveriesPerSec, 0)}/s from the first post to the last delivery\n`);
  }
  if (only.includes('rules')) {
    const r = await benchRulesIngest();
    console.log(`API ingest with 50 active automation rules beside none, ${r.count} posts, ${r.concurrency} in flight, timed until every rule ran; goal: ratio ≥ 0.8`);
    console.log(`  ${r.rounds} interleaved rounds; medians: none ${f(r.none, 0)} tickets/s   50 rules ${f(r.fifty, 0)} tickets/s   ratio ${f(r.ratio, 3)} (median of the rounds' ratios: ${r.ratios.map((x) => f(x, 3)).join(', ')})`);
    console.log(`  CPU time per ticket (this process): none ${f(r.cpu.none, 2)} ms   50 rules ${f(r.cpu.fifty, 2)} ms   ratio ${f(r.cpu.ratio, 3)} (rounds: ${r.cpu.ratios.map((x) => f(x, 3)).join(', ')})\n`);
  }
  if (only.includes('rules') || only.includes('rules-statements')) {
    const r = await benchRulesStatements();
    console.log(`SQL statements per API ticket (${r.tickets} posted one at a time after 20 untimed, every rule run before the next): none ${f(r.none, 1)}   50 rules ${f(r.fifty, 1)} (+${f(r.fifty - r.none, 1)})`);
    if (process.env.BENCH_RULES_SQL) for (const d of r.diff) console.log(`  ${d.perTicket > 0 ? '+' : ''}${f(d.perTicket, 2)}  ${d.sql}`);
    console.log('');
  }
  if (only.includes('sweep')) {
    const w = await benchRulesSweep();
    console.log(`Time-rule sweep over ${w.tickets.toLocaleString('en')} solved tickets on ${w.db} (seeding ${f(w.seedSecs, 1)} s): "solved for 3 days", one in a thousand matching`);
    console.log(`  first sweep: ${w.scanned.toLocaleString('en')} due tickets read from the index in ${f(w.firstSecs, 1)} s (${f(w.rowsPerSec, 0)} rows/s), ${w.fired} fired   next sweep: ${w.next.scanned} rows in ${w.next.ms} ms`);
    console.log(`  one page of 1,000: at the start ${f(w.pages.firstMs, 1)} ms, 90% into the range ${f(w.pages.deepMs, 1)} ms (ratio ${f(w.pages.deepMs / w.pages.firstMs, 2)})`);
    console.log(`  plan, first page:\n${w.plans.first.map((l) => `    ${l}`).join('\n')}\n  plan, a later page:\n${w.plans.later.map((l) => `    ${l}`).join('\n')}\n`);
  }
  if (only.includes('load')) {
    const l = await benchAgentsLoad();
    console.log(`Signed-in agents under load at ${l.tickets.toLocaleString('en')} tickets, ${l.secs} s per level, back to back (inbox 40 %, ticket page 35 %, reply 10 %, search 15 %); goal: p99 < 300 ms at 20 agents`);
    for (const r of l.results) {
      console.log(`  ${r.agents} agents: ${r.requests} requests, ${f(r.rps, 0)}/s, all p50/p99 ${f(r.all.p50, 0)} / ${f(r.all.p99, 0)} ms   RSS ${f(r.rssBeforeMb, 0)} → ${f(r.rssAfterMb, 0)} MB   loop delay p99 ${f(r.loop.p99, 1)} ms, max ${f(r.loop.max, 1)} ms   /proc/loadavg ${r.loadavg}`);
      for (const k of r.kinds) console.log(`    ${k.kind.padEnd(7)} ${String(k.t.n).padStart(6)} ok, ${k.errors} errors   p50/p99 ${f(k.t.p50, 0)} / ${f(k.t.p99, 0)} ms`);
      if (r.firstErrors.length) console.log(`    first errors: ${r.firstErrors.join('; ')}`);
      console.log(`    API callbacks: ${r.callbacks.sentWithin} of ${r.callbacks.replied} sent within the run, ${r.callbacks.sentAfter} after ${f(r.callbacks.drainSecs, 1)} s more`);
    }
    console.log('');
  }
  if (only.includes('fanout')) {
    const r = await benchFanout();
    const line = (x: { got: number; expected: number; perSec: number; p50: number; p99: number }) => `${x.got}/${x.expected} delivered, ${f(x.perSec, 0)}/s, p50/p99 ${f(x.p50, 1)} / ${f(x.p99, 1)} ms`;
    console.log(`Live fan-out on two nodes through Redis: ${r.customers} customer sockets (one ticket each) + ${r.agents} agent sockets (every ticket open once), customer's message / staff note / reply in turn; goal: p99 ratio ≤ 1.5×`);
    console.log(`  ${r.turns} turns each, Chorus then bare; percentiles over every turn's deliveries`);
    console.log(`  paced ${r.rate} events/s for ${r.secs} s   Chorus: ${line(r.paced.chorus)}   bare socket.io: ${line(r.paced.bare)}   ratio p50 ${f(r.paced.p50Ratio)}×, p99 ${f(r.paced.p99Ratio)}× (per turn: ${r.paced.turnRatios.map((x) => `${f(x)}×`).join(', ')})`);
    console.log(`  burst of ${r.burst} events    Chorus: ${line(r.burstRun.chorus)}   bare socket.io: ${line(r.burstRun.bare)}   throughput ratio ${f(r.burstRun.ratio, 3)}, p99 ${f(r.burstRun.p99Ratio)}×`);
    console.log(`  SQL statements per event, both nodes, every listener: paced ${f(r.statementsPerEvent.paced)}, burst ${f(r.statementsPerEvent.burst)}`);
    console.log(`  message events presented by Chorus (paced + burst): ${r.presented}   /proc/loadavg ${r.loadavg}\n`);
  }
  if (only.includes('pages')) {
    const p = await benchAgentPages();
    console.log(`Agent pages at ${p.tickets.toLocaleString('en')} tickets, ${(p.tickets * 3).toLocaleString('en')} messages (seeding ${f(p.seedSecs, 1)} s, cached after the first run); goal: inbox < 200 ms, search < 300 ms`);
    console.log('  page                                 | counts recomputed (a ticket changed) p50/p99 ms | counts shared p50/p99 ms');
    for (const r of p.pages) console.log(`  GET ${r.path.padEnd(33)} | ${`${f(r.cold.p50, 1)} / ${f(r.cold.p99, 1)}`.padEnd(47)} | ${f(r.warm.p50, 1)} / ${f(r.warm.p99, 1)}`);
    console.log('  search              | bare FTS5 p50/p99 ms | GET /api/search p50/p99 ms | ratio | GET /search page p50/p99 ms');
    for (const r of p.searches) console.log(`  ${r.name.padEnd(19)} | ${`${f(r.bare.p50)} / ${f(r.bare.p99)}`.padEnd(20)} | ${`${f(r.api.p50)} / ${f(r.api.p99)}`.padEnd(26)} | ${`${f(r.ratio)}×`.padEnd(5)} | ${f(r.page.p50)} / ${f(r.page.p99)}`);
    console.log(`  GET /api/tickets alone p50/p99 ${f(p.listAlone.p50)} / ${f(p.listAlone.p99)} ms; while common-word searches run back to back ${f(p.listDuring.p50)} / ${f(p.listDuring.p99)} ms`);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
