import fs from 'node:fs';
import path from 'node:path';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { migrations } from '../../migrations';
import { entities } from './entities';

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
  return new DataSource({
    type: 'better-sqlite3',
    database: file,
    entities,
    migrations,
    synchronize: false,
    migrationsRun: false,
    // WAL lets readers (other processes, backups, the bench's bare queries) run beside the writer.
    prepareDatabase: (db: { pragma: (s: string) => unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = OFF');
    },
  });
}

export async function openDatabase(databaseUrl: string): Promise<DataSource> {
  const ds = createDataSource(databaseUrl);
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  return ds;
}
