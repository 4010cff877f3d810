import type Database from 'better-sqlite3';
import type { DataSource } from 'typeorm';

// The better-sqlite3 connection under a SQLite data source (TypeORM keeps exactly one), for the
// few things its query runner has no door for; undefined on Postgres or before it is opened.
export function sqliteConnectionOf(ds: DataSource): Database.Database | undefined {
  if (ds.options.type !== 'better-sqlite3') return undefined;
  return (ds.driver as unknown as { databaseConnection?: Database.Database }).databaseConnection;
}
