import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

// A failed ledger row carries when the recovery sweep may try it again (a few times, further
// apart each time); null means it waits for a replay.
export class InboundRetry1764000010000 implements MigrationInterface {
  name = 'InboundRetry1764000010000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('inbound_items', new TableColumn({ name: 'retry_at', type: 'bigint', isNullable: true }));
    await q.createIndex('inbound_items', new TableIndex({ name: 'ix_inbound_items_retry', columnNames: ['state', 'retry_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('inbound_items', 'ix_inbound_items_retry');
    await q.dropColumn('inbound_items', 'retry_at');
  }
}
