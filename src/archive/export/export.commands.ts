import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Presets, SingleBar } from 'cli-progress';
import type { CliCommand } from '../../cli/index';
import { UsageError } from '../../cli/usage-error';
import { contactRepository } from '../../db/repositories/contact.repository';
import { planContactExport } from './contact-export';
import { ZipWriter } from './zip-writer';

export const exportCommands: Record<string, CliCommand> = {
  'contact:export': {
    usage: 'contact:export --contact <id|email> --out <file.zip>   everything kept about one contact, for an access request',
    options: { contact: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' } },
    async run({ chorus, values }) {
      const who = typeof values.contact === 'string' ? values.contact.trim() : '';
      const out = typeof values.out === 'string' ? values.out : '';
      if (!who) throw new UsageError('--contact is required: a contact id or an e-mail address');
      if (!out) throw new UsageError('--out is required: the ZIP file to write');
      if (!fs.existsSync(path.dirname(path.resolve(out)))) throw new UsageError(`The folder of ${out} does not exist`);
      if (fs.existsSync(out) && !values.force) throw new UsageError(`${out} already exists (add --force to replace it)`);
      const m = chorus.s.db.m;
      let contactId: number;
      if (/^\d+$/.test(who)) contactId = Number(who);
      else if (who.includes('@')) {
        const identity = await contactRepository.findIdentity(m, 'email', who.toLowerCase()) ?? await contactRepository.findIdentity(m, 'email', who);
        if (!identity) throw new UsageError(`No contact has the e-mail address ${who}`);
        contactId = identity.contactId;
      } else throw new UsageError('--contact must be a contact id (a number) or an e-mail address');
      const contact = await contactRepository.findById(m, contactId);
      if (!contact) throw new UsageError(`No contact has the id ${contactId}`);
      // A merged record is the same person as the record it went into: export that one, whole.
      const plan = await planContactExport(chorus.s, contact.mergedIntoId ?? contact.id);
      const bar = new SingleBar({ format: 'Exporting |{bar}| {value}/{total} files', hideCursor: true, noTTYOutput: process.stderr.isTTY !== true, stream: process.stderr }, Presets.shades_classic);
      bar.start(plan.counts.files, 0);
      const zip = new ZipWriter(chorus.s.now());
      plan.write(zip, () => bar.increment());
      const tmp = `${out}.partial`;
      // A bar left running keeps the process alive: it stops whatever happens.
      await pipeline(zip.end(), fs.createWriteStream(tmp)).finally(() => bar.stop());
      fs.renameSync(tmp, out);
      console.log(`Wrote ${out} (${fs.statSync(out).size} bytes): contact ${plan.contactId}, ${plan.counts.tickets} ticket(s), ${plan.counts.messages} message(s), ${plan.counts.files} file(s).`);
    },
  },
};
