import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

// A ledger row being processed carries when it was claimed, so a replay running at the same
// time leaves it alone until the claim is stale (a crash mid-way).
export class InboundClaims1764000009000 implements MigrationInterface {
  name = 'InboundClaims1764000009000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('inbound_items', new TableColumn({ name: 'claimed_at', type: 'bigint', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('inbound_items', 'claimed_at');
  }
}
