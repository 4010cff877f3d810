import { Column, ColumnOptions } from 'typeorm';

// Times are stored as epoch milliseconds in a bigint: identical on SQLite and Postgres,
// cheap to index and compare, and cursor pagination needs no date parsing.
const msTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null || v === undefined ? null : Number(v)),
};

export function TimeColumn(opts: ColumnOptions = {}) {
  return Column({ type: 'bigint', transformer: msTransformer, ...opts });
}

export const jsonTransformer = {
  to: (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v)),
  from: (v: string | null) => (v ? JSON.parse(v) : null),
};

export function JsonColumn(opts: ColumnOptions = {}) {
  return Column({ type: 'text', nullable: true, transformer: jsonTransformer, ...opts });
}
