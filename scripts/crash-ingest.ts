// Crash test of ingest: `npm run crash-ingest [-- --count 1000]`. Kills a Chorus node with SIGKILL
// at a random moment while 1,000 SMTP mails, 1,000 API posts and 1,000 signed Telegram webhooks
// stream in and an IMAP catch-up of 1,000 mails runs, restarts it at once on the same database
// (production lease, 30 s) and prints, per channel, what was acknowledged, lost and duplicated.
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { CHANNELS, runCrashIngest } from '../test/helpers/crash-harness';

(async () => {
  const { values } = parseArgs({ options: { count: { type: 'string', default: '1000' }, seed: { type: 'string' }, lease: { type: 'string' } } });
  const count = Number(values.count);
  const seed = values.seed ? Number(values.seed) : Date.now() % 2 ** 31;
  console.log(`crash-ingest: ${count} items per channel, seed ${seed}`);
  const r = await runCrashIngest({ count, seed, leaseMs: values.lease ? Number(values.lease) : undefined, log: (l) => console.log(`  ${l}`), deadlineMs: 15 * 60_000 });
  console.log(`recovered ${r.recoveredInMs} ms after the senders finished`);
  console.log('channel   sent  acked-before-kill  acked  messages  lost  duplicated');
  let bad = 0;
  for (const c of CHANNELS) {
    const f = r.channels[c];
    bad += f.lost.length + f.duplicated.length;
    console.log(`${c.padEnd(8)} ${String(f.sent).padStart(5)} ${String(f.ackedBeforeKill).padStart(18)} ${String(f.acked).padStart(6)} ${String(f.messages).padStart(9)} ${String(f.lost.length).padStart(5)} ${String(f.duplicated.length).padStart(11)}`);
    if (f.lost.length) console.log(`  lost: ${f.lost.slice(0, 20).join(', ')}`);
    if (f.duplicated.length) console.log(`  duplicated: ${f.duplicated.slice(0, 20).join(', ')}`);
  }
  console.log(bad ? `FAIL: ${bad} item(s) lost or duplicated` : 'OK: every acknowledged item is exactly one message');
  process.exit(bad ? 1 : 0);
})().catch((err) => {
  console.error(err);
  process.exit(2);
});
