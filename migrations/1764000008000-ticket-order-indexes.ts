import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

// The inbox's priority and SLA orders read each group from an index instead of sorting every
// open ticket: (status, priority, last_activity_at) and (status, sla_due_at).
export class TicketOrderIndexes1764000008000 implements MigrationInterface {
  name = 'TicketOrderIndexes1764000008000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('tickets', new TableIndex({ name: 'ix_tickets_status_priority_activity', columnNames: ['status', 'priority', 'last_activity_at'] }));
    await q.createIndex('tickets', new TableIndex({ name: 'ix_tickets_status_sla', columnNames: ['status', 'sla_due_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('tickets', 'ix_tickets_status_sla');
    await q.dropIndex('tickets', 'ix_tickets_status_priority_activity');
  }
}
