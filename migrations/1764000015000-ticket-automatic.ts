import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

// Automatic mail (bounces, out-of-office, lists, machine notifications) is kept as a ticket
// flagged with its reason, outside the triage views. The sidebar's one grouped count pass must
// tell them apart without reading rows, so the flag joins its covering index.
// Plain ALTER TABLE (valid on SQLite and Postgres): the QueryRunner's addColumn rebuilds a SQLite
// table, which would drop the subject-search triggers on tickets.
export class TicketAutomatic1764000015000 implements MigrationInterface {
  name = 'TicketAutomatic1764000015000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE tickets ADD COLUMN automatic varchar(250)');
    await q.dropIndex('tickets', 'ix_tickets_counts');
    await q.createIndex('tickets', new TableIndex({ name: 'ix_tickets_counts', columnNames: ['status', 'merged_into_id', 'assignee_id', 'inbox_id', 'channel', 'team_id', 'automatic'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('tickets', 'ix_tickets_counts');
    await q.createIndex('tickets', new TableIndex({ name: 'ix_tickets_counts', columnNames: ['status', 'merged_into_id', 'assignee_id', 'inbox_id', 'channel', 'team_id'] }));
    await q.query('ALTER TABLE tickets DROP COLUMN automatic');
  }
}
