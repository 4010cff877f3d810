import os from 'node:os';
import { benchApiIngest } from './api-ingest.bench';
import { benchEmailSmtp } from './email-smtp.bench';
import { benchInboxList } from './inbox-list.bench';

const f = (n: number, d = 2) => n.toFixed(d);

// `npm run bench`: each figure beside its bare library, measured in the same run.
async function main() {
  console.log(`Chorus benchmarks — node ${process.version}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB\n`);

  const api = await benchApiIngest();
  console.log(`API channel → tickets (${api.count} posts, ${api.concurrency} in flight)`);
  console.log(`  Chorus: ${f(api.oursRps, 0)} tickets/s (${api.oursFailures} failures)   bare express: ${f(api.bareRps, 0)} req/s   ratio ${f(api.ratio, 3)}\n`);

  console.log('E-mail over SMTP → threaded tickets, beside bare smtp-server + mailparser');
  for (const r of await benchEmailSmtp()) {
    console.log(`  ${r.name.padEnd(24)} ${r.count} mails   Chorus: ${f(r.oursPerSec, 0)} mails/s   bare: ${f(r.barePerSec, 0)} mails/s   ratio ${f(r.ratio, 2)}`);
  }
  console.log('');

  const list = await benchInboxList();
  console.log(`Inbox list at ${list.tickets.toLocaleString('en')} tickets (${list.rounds} rounds; seeding ${f(list.seedSecs, 1)} s, cached after the first run)`);
  console.log('  list               | bare SQL p50/p99 ms | Chorus list p50/p99 ms | ratio | bare express+SQL p50/p99 ms | GET /api/tickets p50/p99 ms | ratio');
  for (const r of list.results) {
    console.log(`  ${r.name.padEnd(18)} | ${`${f(r.bare.p50, 3)} / ${f(r.bare.p99, 3)}`.padEnd(19)} | ${`${f(r.repository.p50, 3)} / ${f(r.repository.p99, 3)}`.padEnd(22)} | ${`${f(r.ratio)}×`.padEnd(5)} | ${`${f(r.bareHttp.p50)} / ${f(r.bareHttp.p99)}`.padEnd(27)} | ${`${f(r.http.p50)} / ${f(r.http.p99)}`.padEnd(27)} | ${f(r.httpRatio)}×`);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
