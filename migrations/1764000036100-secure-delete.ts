import { MigrationInterface, QueryRunner } from 'typeorm';

// Redaction and erasure must leave no trace in the file: the full-text index drops a removed
// message's terms from its pages at once (FTS5 secure-delete) instead of keeping them until a
// merge. (Freed pages are zeroed by PRAGMA secure_delete, set on every connection.)
export class SecureDelete1764000036100 implements MigrationInterface {
  name = 'SecureDelete1764000036100';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'postgres') await q.query(`INSERT INTO messages_fts(messages_fts, rank) VALUES('secure-delete', 1)`);
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'postgres') await q.query(`INSERT INTO messages_fts(messages_fts, rank) VALUES('secure-delete', 0)`);
  }
}
