import fs from 'node:fs';
import { SingleBar, Presets } from 'cli-progress';
import { importMbox } from '../channels/email/mbox-import';
import { inboxRepository } from '../db/repositories/inbox.repository';
import { backfillFacts } from '../reports/backfill';
import type { CliCommand } from './index';
import { UsageError } from './usage-error';

// Commands contributed by channel modules, merged with the built-in ones.
export const commands: Record<string, CliCommand> = {
  'import:mbox': {
    usage: 'import:mbox <file> --inbox <id>   import a mailbox archive, threaded like live mail (safe to run twice)',
    options: { inbox: { type: 'string' } },
    async run({ chorus, values, positionals }) {
      const file = positionals[0];
      if (!file) throw new UsageError('Name the mbox file to import');
      if (!fs.existsSync(file)) throw new UsageError(`No such file: ${file}`);
      const id = Number(values.inbox);
      if (!Number.isInteger(id) || id < 1) throw new UsageError('--inbox must be the id of an e-mail inbox');
      const inbox = await inboxRepository.findById(chorus.s.db.m, id);
      if (!inbox || inbox.channel !== 'email') throw new UsageError(`Inbox ${id} is not an e-mail inbox`);
      const bar = new SingleBar({ format: 'Importing |{bar}| {percentage}% | {messages} mails, {stored} stored, {duplicates} already there, {failed} failed', hideCursor: true, noTTYOutput: process.stderr.isTTY !== true, stream: process.stderr }, Presets.shades_classic);
      const total = fs.statSync(file).size;
      bar.start(total, 0, { messages: 0, stored: 0, duplicates: 0, failed: 0 });
      const r = await importMbox(chorus.s, inbox, file, (p) => bar.update(p.bytes, { ...p })).finally(() => bar.stop());
      console.log(`Imported ${r.messages} mail(s): ${r.stored} stored, ${r.duplicates} already there, ${r.failed} failed (see the failed-ingest list; replay with ingest:replay).`);
    },
  },  'reports:backfill': {
    usage: 'reports:backfill [--batch N]   rebuild the reporting facts from the stored tickets (safe to run twice)',
    options: { batch: { type: 'string' } },
    async run({ chorus, values }) {
      const batch = values.batch ? Number(values.batch) : 500;
      if (!Number.isInteger(batch) || batch < 1) throw new UsageError('--batch must be a positive whole number');
      const bar = new SingleBar({ format: 'Backfilling |{bar}| {percentage}% | {value}/{total} tickets, {facts} facts, {rate} rows/s', hideCursor: true, noTTYOutput: process.stderr.isTTY !== true, stream: process.stderr }, Presets.shades_classic);
      const started = Date.now();
      const rate = (facts: number) => Math.round(facts / Math.max(0.001, (Date.now() - started) / 1000));
      bar.start(1, 0, { facts: 0, rate: 0 });
      const r = await backfillFacts(chorus.s.db, { batch, onProgress: (p) => {
        bar.setTotal(p.total);
        bar.update(p.tickets, { facts: p.facts, rate: rate(p.facts) });
      } }).finally(() => bar.stop());
      console.log(`Backfilled ${r.facts} fact(s) from ${r.tickets} ticket(s) in ${((Date.now() - started) / 1000).toFixed(1)} s (${rate(r.facts)} rows/s).`);
    },
  },
};
