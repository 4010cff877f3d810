import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// Agent notifications (the bell): one row per agent and thing that happened, written in the
// transaction of the change itself. The bell reads (agent_id, read_at) and the list pages by
// (agent_id, id) newest first. Per-agent e-mail preferences sit in their own table so the agents
// table is left alone.
export class Notifications1764000039700 implements MigrationInterface {
  name = 'Notifications1764000039700';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'notifications',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'agent_id', type: 'integer' },
        { name: 'kind', type: 'varchar' },
        { name: 'ticket_id', type: 'integer', isNullable: true },
        { name: 'message_id', type: 'integer', isNullable: true },
        { name: 'title', type: 'varchar' },
        { name: 'excerpt', type: 'text', isNullable: true },
        { name: 'created_at', type: 'bigint' },
        { name: 'read_at', type: 'bigint', isNullable: true },
      ],
      indices: [
        new TableIndex({ name: 'ix_notifications_agent_id', columnNames: ['agent_id', 'id'] }),
        new TableIndex({ name: 'ix_notifications_agent_unread', columnNames: ['agent_id', 'read_at'] }),
      ],
    }));
    await q.createTable(new Table({
      name: 'notification_preferences',
      columns: [
        { name: 'agent_id', type: 'integer', isPrimary: true },
        { name: 'email_kinds', type: 'text' },
        { name: 'updated_at', type: 'bigint' },
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('notification_preferences');
    await q.dropTable('notifications');
  }
}
