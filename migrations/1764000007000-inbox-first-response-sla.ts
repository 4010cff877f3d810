import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

// A first-response target per inbox: new tickets get an SLA due time the inbox view can sort by.
export class InboxFirstResponseSla1764000007000 implements MigrationInterface {
  name = 'InboxFirstResponseSla1764000007000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('inboxes', new TableColumn({ name: 'first_response_minutes', type: 'integer', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('inboxes', 'first_response_minutes');
  }
}
