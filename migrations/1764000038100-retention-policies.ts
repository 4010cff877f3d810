import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// Retention: policies (global or per inbox: delete, anonymise, or drop the attachments of tickets
// closed more than N months ago), the log of what each sweep removed, and on each ticket what
// retention already did to it. The sweep reads (status, inbox_id, retention, status_changed_at):
// for one inbox and one state, the closed tickets oldest first, and only those past the cut-off.
export class RetentionPolicies1764000038100 implements MigrationInterface {
  name = 'RetentionPolicies1764000038100';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'retention_policies',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'scope', type: 'varchar' },
        { name: 'inbox_id', type: 'integer', isNullable: true },
        { name: 'months', type: 'integer' },
        { name: 'action', type: 'varchar' },
        { name: 'enabled', type: 'boolean', default: true },
        { name: 'created_by', type: 'integer', isNullable: true },
        { name: 'created_at', type: 'bigint' },
        { name: 'updated_at', type: 'bigint' },
      ],
    }));
    await q.createTable(new Table({
      name: 'retention_runs',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'policy_id', type: 'integer' },
        { name: 'policy', type: 'text' },
        { name: 'action', type: 'varchar' },
        { name: 'started_at', type: 'bigint' },
        { name: 'finished_at', type: 'bigint' },
        { name: 'tickets', type: 'integer', default: 0 },
        { name: 'messages', type: 'integer', default: 0 },
        { name: 'attachments', type: 'integer', default: 0 },
        { name: 'blobs', type: 'integer', default: 0 },
        { name: 'held', type: 'integer', default: 0 },
        { name: 'ticket_ids', type: 'text' },
        { name: 'chain_heads', type: 'text', isNullable: true },
        { name: 'more', type: 'boolean', default: false },
      ],
      indices: [new TableIndex({ name: 'idx_retention_runs_started', columnNames: ['started_at'] })],
    }));
    // Plain ALTER: SQLite adds a nullable column in place (no table rebuild under the FTS triggers).
    await q.query('ALTER TABLE tickets ADD COLUMN retention varchar NULL');
    await q.createIndex('tickets', new TableIndex({ name: 'ix_tickets_retention_sweep', columnNames: ['status', 'inbox_id', 'retention', 'status_changed_at'] }));
    // Deleting a ticket finds its outbox rows, and whether another attachment still uses a blob, by index.
    await q.createIndex('outbox_items', new TableIndex({ name: 'ix_outbox_ticket', columnNames: ['ticket_id'] }));
    await q.createIndex('attachments', new TableIndex({ name: 'ix_attachments_sha256', columnNames: ['sha256'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('attachments', 'ix_attachments_sha256');
    await q.dropIndex('outbox_items', 'ix_outbox_ticket');
    await q.dropIndex('tickets', 'ix_tickets_retention_sweep');
    await q.query('ALTER TABLE tickets DROP COLUMN retention');
    await q.dropTable('retention_runs');
    await q.dropTable('retention_policies');
  }
}
