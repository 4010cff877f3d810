import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

// Each outbox item names its lane (transport and destination), so the worker can keep sending on
// every other lane while one destination hangs. Items queued before this carry their kind.
export class OutboxLanes1764000011000 implements MigrationInterface {
  name = 'OutboxLanes1764000011000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('outbox_items', new TableColumn({ name: 'lane', type: 'varchar', isNullable: false, default: "''" }));
    await q.query('UPDATE outbox_items SET lane = kind');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('outbox_items', 'lane');
  }
}
