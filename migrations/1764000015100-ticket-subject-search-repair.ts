import { MigrationInterface, QueryRunner } from 'typeorm';

// A first version of the automatic-ticket migration added its column by rebuilding the SQLite
// tickets table, which dropped the subject-search triggers. Where they are missing, put them back
// and rebuild the subject index from the tickets. Postgres has no triggers here: nothing to do.
export class TicketSubjectSearchRepair1764000015100 implements MigrationInterface {
  name = 'TicketSubjectSearchRepair1764000015100';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type === 'postgres') return;
    const have: { name: string }[] = await q.query("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'tickets'");
    if (['tickets_fts_ai', 'tickets_fts_ad', 'tickets_fts_au'].every((t) => have.some((h) => h.name === t))) return;
    await q.query(`CREATE TRIGGER IF NOT EXISTS tickets_fts_ai AFTER INSERT ON tickets BEGIN INSERT INTO tickets_fts(rowid, subject) VALUES (new.id, new.subject); END`);
    await q.query(`CREATE TRIGGER IF NOT EXISTS tickets_fts_ad AFTER DELETE ON tickets BEGIN INSERT INTO tickets_fts(tickets_fts, rowid, subject) VALUES ('delete', old.id, old.subject); END`);
    await q.query(`CREATE TRIGGER IF NOT EXISTS tickets_fts_au AFTER UPDATE OF subject ON tickets BEGIN INSERT INTO tickets_fts(tickets_fts, rowid, subject) VALUES ('delete', old.id, old.subject); INSERT INTO tickets_fts(rowid, subject) VALUES (new.id, new.subject); END`);
    await q.query(`INSERT INTO tickets_fts(tickets_fts) VALUES ('rebuild')`);
  }

  async down(): Promise<void> {
    // The triggers belong to the subject-search migration; nothing of this one to undo.
  }
}
