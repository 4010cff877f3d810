import { MigrationInterface, QueryRunner } from 'typeorm';

// Search finds tickets by subject as well as by message text. Postgres already has the GIN
// expression index on subjects; SQLite gets an FTS5 table over subjects kept by triggers.
export class TicketSubjectSearch1764000005000 implements MigrationInterface {
  name = 'TicketSubjectSearch1764000005000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') return;
    await q.query(`CREATE VIRTUAL TABLE tickets_fts USING fts5(subject, content='tickets', content_rowid='id', tokenize='unicode61 remove_diacritics 2')`);
    await q.query(`INSERT INTO tickets_fts(rowid, subject) SELECT id, subject FROM tickets`);
    await q.query(`CREATE TRIGGER tickets_fts_ai AFTER INSERT ON tickets BEGIN INSERT INTO tickets_fts(rowid, subject) VALUES (new.id, new.subject); END`);
    await q.query(`CREATE TRIGGER tickets_fts_ad AFTER DELETE ON tickets BEGIN INSERT INTO tickets_fts(tickets_fts, rowid, subject) VALUES ('delete', old.id, old.subject); END`);
    await q.query(`CREATE TRIGGER tickets_fts_au AFTER UPDATE OF subject ON tickets BEGIN INSERT INTO tickets_fts(tickets_fts, rowid, subject) VALUES ('delete', old.id, old.subject); INSERT INTO tickets_fts(rowid, subject) VALUES (new.id, new.subject); END`);
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') return;
    for (const t of ['tickets_fts_ai', 'tickets_fts_ad', 'tickets_fts_au']) await q.query(`DROP TRIGGER IF EXISTS ${t}`);
    await q.query('DROP TABLE IF EXISTS tickets_fts');
  }
}
