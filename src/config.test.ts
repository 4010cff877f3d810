import { ConfigError, loadConfig } from './config';

describe('configuration from the environment', () => {
  it('applies defaults for an empty environment', () => {
    const c = loadConfig({ CHORUS_DATA_DIR: '/tmp/chorus-config-test', CHORUS_SECRET: 'x'.repeat(32) }, { readDotEnv: false });
    expect(c.PORT).toBe(3000);
    expect(c.databaseUrl).toBe('sqlite:/tmp/chorus-config-test/chorus.sqlite');
    expect(c.isPostgres).toBe(false);
    expect(c.publicUrl).toBe('http://localhost:3000');
  });

  it('names every bad value in one error', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', CHORUS_ADMIN_EMAIL: 'not-mail', CHORUS_SECRET: 'x'.repeat(32) }, { readDotEnv: false });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toMatch(/^PORT: .*"eighty"/m);
    expect(problems).toMatch(/^DATABASE_URL: must start with postgres:\/\/ or sqlite:/m);
    expect(problems).toMatch(/^CHORUS_ADMIN_EMAIL:/m);
  });

  it('requires a shared secret when several nodes share Postgres', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://localhost/x' }, { readDotEnv: false })).toThrow(/CHORUS_SECRET: required/);
  });
});
