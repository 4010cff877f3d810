import { MigrationInterface, QueryRunner } from 'typeorm';

// Kept inbox counts: every ticket notes the key it is counted under (status, assignee, inbox,
// channel, team, automatic, snoozed; null when merged away), ticket_counts holds how many tickets
// each key has and ticket_tag_counts how many triage tickets carry each tag. The commit hook of
// every ticket change moves a ticket between keys (src/tickets/kept-counts.ts), so the inbox
// never counts a million rows on a request. Filled here from the tickets already stored.
// Plain ALTER TABLE: the QueryRunner's addColumn rebuilds a SQLite table, dropping the
// subject-search triggers on tickets.
// Frozen copy of the key the repository computes (ticket-count.repository.ts).
const KEY = `CASE WHEN merged_into_id IS NOT NULL THEN NULL ELSE
  (CASE WHEN status IN ('new', 'open', 'pending') AND automatic IS NULL AND snoozed IS NULL THEN 't' ELSE 'x' END)
  || '|' || status || '|' || CAST(COALESCE(assignee_id, 0) AS varchar(20)) || '|' || CAST(inbox_id AS varchar(20)) || '|' || channel
  || '|' || CAST(COALESCE(team_id, 0) AS varchar(20)) || '|' || (CASE WHEN automatic IS NULL THEN '0' ELSE '1' END)
  || '|' || (CASE WHEN snoozed IS NULL THEN '0' ELSE '1' END) END`;

export class KeptTicketCounts1764000035000 implements MigrationInterface {
  name = 'KeptTicketCounts1764000035000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE tickets ADD COLUMN count_key varchar(200)');
    await q.query('CREATE TABLE ticket_counts (count_key varchar(200) PRIMARY KEY NOT NULL, n integer NOT NULL DEFAULT 0)');
    await q.query('CREATE TABLE ticket_tag_counts (tag varchar(200) PRIMARY KEY NOT NULL, n integer NOT NULL DEFAULT 0)');
    await q.query(`UPDATE tickets SET count_key = ${KEY}`);
    // The reconciliation counts one key at a time (and walks the distinct keys) through this.
    await q.query('CREATE INDEX ix_tickets_count_key ON tickets (count_key)');
    await q.query('INSERT INTO ticket_counts (count_key, n) SELECT count_key, COUNT(*) FROM tickets WHERE count_key IS NOT NULL GROUP BY count_key');
    await q.query(`INSERT INTO ticket_tag_counts (tag, n) SELECT tt.tag, COUNT(*) FROM ticket_tags tt JOIN tickets t ON t.id = tt.ticket_id
      WHERE t.count_key LIKE 't|%' GROUP BY tt.tag`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE ticket_tag_counts');
    await q.query('DROP TABLE ticket_counts');
    await q.query('DROP INDEX ix_tickets_count_key');
    await q.query('ALTER TABLE tickets DROP COLUMN count_key');
  }
}
