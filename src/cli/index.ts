import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { createAgent } from '../agents/create-agent';
import { createChorus } from '../app';
import { channelKindSchema } from '../channels/channel-settings';
import { ConfigError, loadConfig } from '../config';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../db/data-source';
import { agentRepository } from '../db/repositories/agent.repository';
import { createInbox } from '../inboxes/create-inbox';
import { createLogger } from '../logger';
import { modules } from '../modules';
import { archiveCommands } from '../archive/archive.commands';
import { exportCommands } from '../archive/export/export.commands';
import { commands as extraCommands } from './commands';
import { UsageError } from './usage-error';

type CliValues = Record<string, string | boolean | undefined>;
export interface CliCommand {
  usage: string;
  options: Record<string, { type: 'string' | 'boolean'; short?: string }>;
  run(ctx: { chorus: Awaited<ReturnType<typeof createChorus>>; values: CliValues; positionals: string[] }): Promise<void>;
  // Commands that need the bare database, untouched by a starting Chorus (an import into an
  // empty one): given the migrated DataSource instead, `run` is not called.
  runOnDatabase?(ctx: { ds: DataSource; values: CliValues; positionals: string[] }): Promise<void>;
}


const need = (values: Record<string, unknown>, name: string): string => {
  const v = values[name];
  if (typeof v !== 'string' || !v) throw new UsageError(`--${name} is required`);
  return v;
};

const builtIn: Record<string, CliCommand> = {
  'ingest:replay': {
    usage: 'ingest:replay [--limit N]   retry failed inbound items (and ones a crash left half-done)',
    options: { limit: { type: 'string' } },
    async run({ chorus, values }) {
      const limit = values.limit ? Number(values.limit) : 1000;
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive whole number');
      const results = await chorus.s.ingest.replay({ limit, includeStale: true });
      const by = results.reduce<Record<string, number>>((a, r) => ({ ...a, [r.state]: (a[r.state] ?? 0) + 1 }), {});
      console.log(`Replayed ${results.length} item(s): ${JSON.stringify(by)}`);
      for (const r of results.filter((x) => x.state === 'failed')) console.log(`  item ${r.itemId} still fails: ${r.error}`);
    },
  },
  'token:create': {
    usage: 'token:create --agent <email> [--name <label>]   print a new API token for an agent',
    options: { agent: { type: 'string' }, name: { type: 'string' } },
    async run({ chorus, values }) {
      const email = need(values, 'agent');
      const agent = await agentRepository.findByEmail(chorus.s.db.m, email);
      if (!agent) throw new UsageError(`No agent has the e-mail ${email}`);
      console.log(await chorus.s.sessions.createApiToken(agent.id, String(values.name ?? 'cli')));
    },
  },
  'agent:create': {
    usage: 'agent:create --email <e> --name <n> [--password <p>] [--admin]',
    options: { email: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' }, admin: { type: 'boolean' } },
    async run({ chorus, values }) {
      const a = await createAgent(chorus.s.db, Date.now(), { email: need(values, 'email'), name: need(values, 'name'), password: (values.password as string) ?? null, role: values.admin ? 'admin' : 'agent' });
      console.log(`Agent ${a.id} <${a.email}> created (${a.role})`);
    },
  },
  'inbox:create': {
    usage: 'inbox:create --name <n> --channel <api|email|webform|messenger|instagram|whatsapp|telegram|x|mastodon> [--address <email>] [--settings <json>]',
    options: { name: { type: 'string' }, channel: { type: 'string' }, address: { type: 'string' }, settings: { type: 'string' } },
    async run({ chorus, values }) {
      const channel = channelKindSchema.safeParse(values.channel);
      if (!channel.success) throw new UsageError(`--channel must be one of ${channelKindSchema.options.join(', ')}`);
      let settings: Record<string, unknown> = {};
      if (values.settings) {
        try {
          settings = JSON.parse(String(values.settings));
        } catch {
          throw new UsageError('--settings must be a JSON object');
        }
      }
      const inbox = await createInbox(chorus.s.db, Date.now(), { name: need(values, 'name'), channel: channel.data, address: (values.address as string) ?? null, settings });
      console.log(JSON.stringify({ id: inbox.id, name: inbox.name, channel: inbox.channel, address: inbox.address, secret: inbox.secret }, null, 2));
      console.log('Keep the secret: it is shown only now.');
    },
  },
};

const EXIT_CODES = 'Exit codes: 0 done, 1 the command failed (the message says why), 2 bad arguments or configuration.';

function version(): string {
  // package.json sits two levels above both src/cli (ts-node) and dist/src/cli (built).
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = require(rel) as { name?: string; version?: string };
      if (pkg.name === 'chorus') return `chorus ${pkg.version}`;
    } catch {
      /* try the next place */
    }
  }
  return 'chorus (unknown version)';
}

export async function runCli(argv: string[]): Promise<number> {
  const all: Record<string, CliCommand> = { ...builtIn, ...extraCommands, ...archiveCommands, ...exportCommands };
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    console.log(version());
    return 0;
  }
  const asksHelp = (a: string | undefined) => a === 'help' || a === '--help' || a === '-h';
  if (!name || asksHelp(name) || !all[name]) {
    if (name && !all[name] && !asksHelp(name)) console.error(`Unknown command: ${name}\n`);
    const text = `Usage: chorus <command> [options]   (or: npm run chorus -- <command> [options])\n\nCommands:\n${Object.values(all).map((c) => `  ${c.usage}`).join('\n')}\n\n${EXIT_CODES}`;
    if (name && !asksHelp(name)) console.error(text);
    else console.log(text);
    return name && !asksHelp(name) ? 2 : 0;
  }
  const cmd = all[name];
  if (rest.some((a) => a === '--help' || a === '-h')) {
    console.log(`Usage: chorus ${cmd.usage}\n\n${EXIT_CODES}`);
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: cmd.options, allowPositionals: true, strict: true });
  } catch (err) {
    console.error(`${(err as Error).message}\nUsage: ${cmd.usage}`);
    return 2;
  }
  let config;
  try {
    config = loadConfig({ ...process.env, CHORUS_WORKERS: 'false', CHORUS_SMTP_ENABLED: 'false' });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  const values = parsed.values as CliValues;
  if (cmd.runOnDatabase) {
    const ds = await openDatabase(config.databaseUrl);
    return exitCodeOf(cmd.usage, () => cmd.runOnDatabase!({ ds, values, positionals: parsed.positionals }), () => ds.destroy());
  }
  const chorus = await createChorus(config, { logger: createLogger(process.env.LOG_LEVEL ?? 'warn'), modules });
  return exitCodeOf(cmd.usage, () => cmd.run({ chorus, values, positionals: parsed.positionals }), () => chorus.close());
}

// Runs a command and turns its outcome into the documented exit code: 0 done, 2 a usage error
// (with the usage line), 1 anything else (its message). The cleanup runs whatever happened.
async function exitCodeOf(usage: string, run: () => Promise<unknown>, cleanup: () => Promise<unknown>): Promise<number> {
  try {
    await run();
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\nUsage: ${usage}`);
      return 2;
    }
    console.error((err as Error).message);
    return 1;
  } finally {
    await cleanup();
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
