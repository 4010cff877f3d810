import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

// Snooze: a ticket hidden from the triage views until a time (snoozed_until) or until the
// customer answers (snoozed_until null). The sidebar's one grouped count pass must tell snoozed
// tickets apart without reading rows, so the flag joins its covering index; the wake-up job
// reads due tickets from their own index, the Snoozed view walks (snoozed, last activity).
// Auto-close: per inbox, solved tickets close after auto_close_days; the job reads them from
// (status, inbox_id, solved_at), never a scan.
// Plain ALTER TABLE (valid on SQLite and Postgres): the QueryRunner's addColumn rebuilds a SQLite
// table, which would drop the subject-search triggers on tickets.
export class SnoozeAutoClose1764000026000 implements MigrationInterface {
  name = 'SnoozeAutoClose1764000026000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE tickets ADD COLUMN snoozed varchar(20)');
    await q.query('ALTER TABLE tickets ADD COLUMN snoozed_until bigint');
    await q.query('ALTER TABLE inboxes ADD COLUMN auto_close_days integer');
    await q.dropIndex('tickets', 'ix_tickets_counts');
    await q.createIndex('tickets', new TableIndex({ name: 'ix_tickets_counts', columnNames: ['status', 'merged_into_id', 'assignee_id', 'inbox_id', 'channel', 'team_id', 'automatic', 'snoozed'] }));
    await q.createIndex('tickets', new TableIndex({ name: 'ix_tickets_snooze_due', columnNames: ['snoozed_until'] }));
    await q.createIndex('tickets', new TableIndex({ name: 'ix_tickets_snoozed_activity', columnNames: ['snoozed', 'last_activity_at'] }));
    await q.createIndex('tickets', new TableIndex({ name: 'ix_tickets_status_inbox_solved', columnNames: ['status', 'inbox_id', 'solved_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('tickets', 'ix_tickets_status_inbox_solved');
    await q.dropIndex('tickets', 'ix_tickets_snoozed_activity');
    await q.dropIndex('tickets', 'ix_tickets_snooze_due');
    await q.dropIndex('tickets', 'ix_tickets_counts');
    await q.createIndex('tickets', new TableIndex({ name: 'ix_tickets_counts', columnNames: ['status', 'merged_into_id', 'assignee_id', 'inbox_id', 'channel', 'team_id', 'automatic'] }));
    await q.query('ALTER TABLE inboxes DROP COLUMN auto_close_days');
    await q.query('ALTER TABLE tickets DROP COLUMN snoozed_until');
    await q.query('ALTER TABLE tickets DROP COLUMN snoozed');
  }
}
