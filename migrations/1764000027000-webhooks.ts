import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// Outgoing webhooks: an admin subscribes a URL to events; each delivery travels the outbox and
// every attempt leaves a row in the delivery log shown on the admin page.
export class Webhooks1764000027000 implements MigrationInterface {
  name = 'Webhooks1764000027000';

  async up(q: QueryRunner): Promise<void> {
    const id = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' as const };
    await q.createTable(new Table({
      name: 'webhooks',
      columns: [
        id,
        { name: 'name', type: 'varchar', length: '120' },
        { name: 'url', type: 'text' },
        // JSON array of event names.
        { name: 'events', type: 'text' },
        { name: 'audience', type: 'varchar', length: '16' },
        { name: 'secret', type: 'varchar', length: '120' },
        { name: 'active', type: 'boolean', default: 'true' },
        { name: 'created_by', type: 'integer', isNullable: true },
        { name: 'created_at', type: 'bigint' },
        { name: 'updated_at', type: 'bigint' },
      ],
    }));
    await q.createTable(new Table({
      name: 'webhook_attempts',
      columns: [
        id,
        { name: 'webhook_id', type: 'integer' },
        { name: 'outbox_item_id', type: 'integer', isNullable: true },
        { name: 'delivery_id', type: 'varchar', length: '64' },
        { name: 'event', type: 'varchar', length: '40' },
        { name: 'attempt', type: 'integer' },
        // sent | retrying | failed
        { name: 'outcome', type: 'varchar', length: '16' },
        { name: 'status_code', type: 'integer', isNullable: true },
        { name: 'duration_ms', type: 'integer' },
        { name: 'error', type: 'text', isNullable: true },
        { name: 'at', type: 'bigint' },
      ],
      indices: [
        // The log page reads one webhook's attempts newest first, page by page.
        new TableIndex({ name: 'ix_webhook_attempts_webhook', columnNames: ['webhook_id', 'id'] }),
        new TableIndex({ name: 'ix_webhook_attempts_delivery', columnNames: ['delivery_id'] }),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('webhook_attempts', true);
    await q.dropTable('webhooks', true);
  }
}
