import fs from 'node:fs';
import path from 'node:path';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { migrations } from '../../migrations';
import { entities } from './entities';
import { bindIntegerParameters } from './sqlite-bound-integers';
import { sqliteConnectionOf } from './sqlite-connection';
import { type Checkpointer, FALLBACK_AUTOCHECKPOINT_PAGES, startCheckpointer } from './sqlite-checkpointer';

export type DbKind = 'sqlite' | 'postgres';

export function createDataSource(databaseUrl: string): DataSource {
  if (databaseUrl.startsWith('postgres')) {
    return new DataSource({
      type: 'postgres',
      url: databaseUrl,
      entities,
      migrations,
      synchronize: false,
      migrationsRun: false,
      extra: { max: 10 },
    });
  }
  const file = databaseUrl.replace(/^sqlite:/, '');
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const ds = new DataSource({
    type: 'better-sqlite3',
    database: file,
    entities,
    migrations,
    synchronize: false,
    migrationsRun: false,
    // TypeORM keeps the last 100 prepared statements, first in first out; one ticket's life runs
    // more distinct statements than that, so each was prepared afresh (a sixth of ingest's CPU).
    statementCacheSize: 2000,
    // WAL lets readers (other processes, backups, the bench's bare queries) run beside the writer.
    prepareDatabase: (db: { pragma: (s: string) => unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = OFF');
      // Deleted and redacted content is overwritten, not left in free pages of the file.
      db.pragma('secure_delete = ON');
      // Savepoints (one per write of a group commit) and statements keep their undo pages in a
      // temporary journal; in memory it costs a copy, in a temporary file a write each time.
      db.pragma('temp_store = MEMORY');
    },
  });
  bindIntegerParameters(ds);
  return ds;
}

export async function openDatabase(databaseUrl: string): Promise<DataSource> {
  const ds = createDataSource(databaseUrl);
  await ds.initialize();
  if (ds.options.type === 'better-sqlite3') beginImmediate(ds);
  await migrateUnderLock(ds);
  return ds;
}

// A SQLite file's log is checkpointed by a worker thread from now on (see sqlite-checkpointer.ts);
// null for Postgres, an in-memory database or `everyMs` 0.
export function checkpointBeside(ds: DataSource, everyMs: number, onError: (message: string) => void): Checkpointer | null {
  if (ds.options.type !== 'better-sqlite3' || !everyMs) return null;
  const file = String(ds.options.database);
  if (file === ':memory:') return null;
  sqliteConnectionOf(ds)!.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  return startCheckpointer(path.resolve(file), everyMs, onError);
}

// Any fixed number works as long as every node uses the same one.
const MIGRATION_LOCK = 7_316_042_001;

// Nodes starting together on one empty Postgres would each run the migrations and all but one
// would fail half-way; a session advisory lock lets one migrate while the others wait, and then
// find nothing left to do. SQLite serialises through BEGIN IMMEDIATE and its busy timeout.
async function migrateUnderLock(ds: DataSource): Promise<void> {
  if (ds.options.type !== 'postgres') {
    await ds.runMigrations({ transaction: 'each' });
    return;
  }
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

// TypeORM opens SQLite transactions with a plain (deferred) BEGIN. Beside another process on the
// same file (the CLI importing while the server runs), a deferred transaction that has read and
// then writes fails at once with SQLITE_BUSY ("database is locked") — busy_timeout cannot help, as
// waiting could deadlock. BEGIN IMMEDIATE takes the write lock up front, so the second process
// waits its turn (up to busy_timeout) instead. better-sqlite3 has one connection and one query
// runner, so this covers every transaction of this data source.
export function beginImmediate(ds: DataSource): void {
  const runner = ds.createQueryRunner();
  const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  runner.query = ((sql: string, ...rest: unknown[]) => query(sql === 'BEGIN TRANSACTION' ? 'BEGIN IMMEDIATE TRANSACTION' : sql, ...rest)) as typeof runner.query;
}
