import fs from 'node:fs';
import { SingleBar, Presets } from 'cli-progress';
import { importMbox } from '../channels/email/mbox-import';
import { inboxRepository } from '../db/repositories/inbox.repository';
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
      const r = await importMbox(chorus.s, inbox, file, (p) => bar.update(p.bytes, { ...p }));
      bar.stop();
      console.log(`Imported ${r.messages} mail(s): ${r.stored} stored, ${r.duplicates} already there, ${r.failed} failed (see the failed-ingest list; replay with ingest:replay).`);
    },
  },
};
