import { MigrationInterface, QueryRunner } from 'typeorm';

// Full-text search over message texts. SQLite: an FTS5 index kept in step by triggers, so every
// writer (pipeline, commands, imports) is indexed without knowing about it. Postgres: an
// expression GIN index on the messages themselves.
export class SearchIndex1764000002000 implements MigrationInterface {
  name = 'SearchIndex1764000002000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') {
      await q.query(`CREATE INDEX ix_messages_fts ON messages USING GIN (to_tsvector('simple', text))`);
      await q.query(`CREATE INDEX ix_tickets_subject_fts ON tickets USING GIN (to_tsvector('simple', subject))`);
      return;
    }
    await q.query(`CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2')`);
    await q.query(`INSERT INTO messages_fts(rowid, text) SELECT id, text FROM messages`);
    await q.query(`CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text); END`);
    await q.query(`CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text); END`);
    await q.query(`CREATE TRIGGER messages_fts_au AFTER UPDATE OF text ON messages BEGIN INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text); INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text); END`);
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') {
      await q.query('DROP INDEX IF EXISTS ix_messages_fts');
      await q.query('DROP INDEX IF EXISTS ix_tickets_subject_fts');
      return;
    }
    for (const t of ['messages_fts_ai', 'messages_fts_ad', 'messages_fts_au']) await q.query(`DROP TRIGGER IF EXISTS ${t}`);
    await q.query('DROP TABLE IF EXISTS messages_fts');
  }
}
