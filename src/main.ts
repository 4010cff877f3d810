import 'reflect-metadata';
import { createChorus } from './app';
import { ConfigError, loadConfig } from './config';
import { RedisUnreachableError } from './realtime/adapter';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const chorus = await createChorus(config);
  const port = await chorus.listen();
  const where = config.isPostgres ? 'PostgreSQL' : config.databaseUrl.replace(/^sqlite:/, '');
  console.log(`Chorus is running at ${config.publicUrl} (port ${port}, data in ${where})`);
  if (chorus.setupUrl) console.log(`No agent exists yet. Create the first admin here (the link works once): ${chorus.setupUrl}`);
  else if (config.CHORUS_ADMIN_EMAIL) console.log(`Sign in at ${config.publicUrl}/login as ${config.CHORUS_ADMIN_EMAIL}`);

  const stop = async (signal: string) => {
    chorus.s.logger.info({ signal }, 'shutting down');
    await chorus.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  // A missing service the operator must start is said in one line, not a stack.
  if (err instanceof RedisUnreachableError) {
    console.error(`Chorus failed to start: ${err.message}`);
    process.exit(2);
  }
  console.error('Chorus failed to start:', err);
  process.exit(1);
});
