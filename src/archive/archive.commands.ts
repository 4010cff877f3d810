import { Presets, SingleBar } from 'cli-progress';
import type { CliCommand } from '../cli/index';
import { UsageError } from '../cli/usage-error';
import { contactRepository } from '../db/repositories/contact.repository';
import { eraseContact } from '../contacts/commands/erase-contact';
import { sealUnchained } from './chain/seal-chain';
import { verifyChains } from './chain/verify-chain';
import { exportInstance } from './instance/instance-export';
import { importInstance } from './instance/instance-import';
import { settleFactsIn } from '../reports/settle-facts';

const bar = (format: string) => new SingleBar({ format, hideCursor: true, noTTYOutput: process.stderr.isTTY !== true, stream: process.stderr }, Presets.shades_classic);

export const archiveCommands: Record<string, CliCommand> = {
  'archive:verify': {
    usage: 'archive:verify   walk every ticket\'s hash chain and every message and event; print the first broken link of each ticket (exit 1 if any)',
    options: {},
    async run({ chorus }) {
      const progress = bar('Verifying |{bar}| {phase} {value}');
      progress.start(0, 0, { phase: 'links' });
      // A bar left running keeps the process alive: it stops whatever happens.
      const r = await verifyChains(chorus.s.db.m, (p) => progress.update(p.done, { phase: p.phase === 'links' ? 'links' : `${p.phase} id` })).finally(() => progress.stop());
      for (const p of r.problems) console.log(`ticket #${p.ticketId}${p.seq !== null ? `, link ${p.seq}` : ''}: ${p.subject} ${p.problem}`);
      const summary = `${r.tickets} ticket chain(s), ${r.links} link(s), ${r.messages} message(s), ${r.events} event(s) checked`;
      if (r.problems.length) throw new Error(`${summary}: ${r.problems.length} problem(s) above.`);
      console.log(`${summary}: every chain is intact.`);
    },
  },
  'contact:erase': {
    usage: 'contact:erase --contact <id|email> --yes [--mode redact|delete] [--reason <text>]   erase a person: their words, names and addresses leave every ticket; delete also deletes the tickets they asked (refused under a legal hold)',
    options: { contact: { type: 'string' }, yes: { type: 'boolean' }, reason: { type: 'string' }, mode: { type: 'string' } },
    async run({ chorus, values }) {
      const ref = String(values.contact ?? '').trim();
      if (!ref) throw new UsageError('--contact is required (a contact number or an e-mail address)');
      const id = /^\d+$/.test(ref) ? Number(ref) : (await contactRepository.findIdentity(chorus.s.db.m, 'email', ref.toLowerCase()))?.contactId;
      if (!id || !(await contactRepository.findById(chorus.s.db.m, id))) throw new UsageError(`No contact ${ref}`);
      const mode = (values.mode ?? 'redact') as string;
      if (mode !== 'redact' && mode !== 'delete') throw new UsageError('--mode must be redact (keep the tickets without the person) or delete (delete the tickets they asked)');
      if (values.yes !== true) throw new UsageError(`Erasing contact ${id} cannot be undone: add --yes to go ahead`);
      const r = await eraseContact(chorus.s.commands, null, id, { mode, reason: (values.reason as string) ?? 'command line' });
      if (r.state === 'refused') throw new Error(`Refused (request #${r.requestId}): ${r.refusal}`);
      console.log(`Contact ${id} erased (request #${r.requestId}): ${Object.entries(r.counts).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
    },
  },
  'archive:export': {
    usage: 'archive:export --out <dir>   the whole instance as JSONL per table plus files (restartable: run again with the same --out)',
    options: { out: { type: 'string' } },
    async run() {
      throw new UsageError('archive:export runs on the database');
    },
    async runOnDatabase({ ds, values }) {
      const dir = String(values.out ?? '').trim();
      if (!dir) throw new UsageError('--out is required: an empty directory (or the one of an interrupted export)');
      const progress = bar('Exporting |{bar}| {percentage}% | {value}/{total} rows | {table}');
      progress.start(1, 0, { table: '' });
      const started = Date.now();
      // The archive holds every fact counted in the rollups it carries.
      await settleFactsIn(ds);
      const manifest = await exportInstance(ds.manager, dir, (p) => {
        progress.setTotal(Math.max(1, p.totalRows));
        progress.update(p.doneRows, { table: p.table });
      }).finally(() => progress.stop());
      const rows = Object.values(manifest.tables).reduce((a, t) => a + t.rows, 0);
      console.log(`Exported ${rows} row(s) of ${Object.keys(manifest.tables).length} table(s) to ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    },
  },
  'import:archive': {
    usage: 'import:archive --from <dir>   restore an archive:export directory into an empty database',
    options: { from: { type: 'string' } },
    async run() {
      throw new UsageError('import:archive runs on the database');
    },
    async runOnDatabase({ ds, values }) {
      const dir = String(values.from ?? '').trim();
      if (!dir) throw new UsageError('--from is required: a directory written by archive:export');
      const progress = bar('Importing |{bar}| {percentage}% | {value}/{total} rows | {table}');
      progress.start(1, 0, { table: '' });
      const r = await importInstance(ds, dir, (p) => {
        progress.setTotal(Math.max(1, p.totalRows));
        progress.update(p.doneRows, { table: p.table });
      }).finally(() => progress.stop());
      console.log(`Imported ${r.rows} row(s) into ${r.tables} table(s).`);
    },
  },
  'archive:seal': {
    usage: 'archive:seal   give messages and events written before the hash chain existed their links (safe to run twice)',
    options: {},
    async run({ chorus }) {
      const progress = bar('Sealing |{bar}| {percentage}% | up to id {value}/{total}');
      progress.start(1, 0);
      const r = await sealUnchained(chorus.s.db, (p) => {
        progress.setTotal(Math.max(1, p.of));
        progress.update(p.sealed);
      }).finally(() => progress.stop());
      console.log(`Sealed ${r.messages} message(s) and ${r.events} event(s).`);
    },
  },
};
