import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

// Per inbox: a customer's reply to a closed ticket reopens it or opens a linked follow-up.
export class InboxClosedReplies1764000014000 implements MigrationInterface {
  name = 'InboxClosedReplies1764000014000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('inboxes', new TableColumn({ name: 'closed_replies', type: 'varchar', length: '16', isNullable: false, default: "'follow-up'" }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('inboxes', 'closed_replies');
  }
}
