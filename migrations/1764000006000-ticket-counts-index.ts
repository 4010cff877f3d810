import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

// The inbox sidebar counts every view, inbox, channel and team in one grouped pass; this
// covering index lets that pass (and the tag counts' join) read the index instead of the rows.
export class TicketCountsIndex1764000006000 implements MigrationInterface {
  name = 'TicketCountsIndex1764000006000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('tickets', new TableIndex({ name: 'ix_tickets_counts', columnNames: ['status', 'merged_into_id', 'assignee_id', 'inbox_id', 'channel', 'team_id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('tickets', 'ix_tickets_counts');
  }
}
