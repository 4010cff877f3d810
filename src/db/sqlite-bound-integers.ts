import type { DataSource } from 'typeorm';

type Escape = (sql: string, parameters: Record<string, unknown>) => [string, unknown[]];

// TypeORM's SQLite driver writes number parameters into the SQL text, so `WHERE id = 41` and
// `WHERE id = 42` are two statements, each prepared afresh: its statement cache never hits on
// the hot paths, and preparing was a sixth of ingest's CPU. Integers are passed as BigInt
// instead, which the driver binds as `?` and better-sqlite3 binds as INTEGER, the same value
// the literal was. Other numbers keep the driver's handling.
export function bindIntegerParameters(ds: DataSource): void {
  const driver = ds.driver as unknown as { escapeQueryWithParameters: Escape };
  const escape = driver.escapeQueryWithParameters.bind(driver);
  driver.escapeQueryWithParameters = (sql, parameters) => {
    if (!parameters) return escape(sql, parameters);
    let bound: Record<string, unknown> | null = null;
    for (const key of Object.keys(parameters)) {
      const v = parameters[key];
      if (typeof v === 'number' && Number.isSafeInteger(v)) (bound ??= { ...parameters })[key] = BigInt(v);
    }
    return escape(sql, bound ?? parameters);
  };
}
