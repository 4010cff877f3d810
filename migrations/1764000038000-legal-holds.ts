import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// Legal holds: a ticket, contact or inbox kept from every deletion (retention, erasure) until
// an admin lifts the hold. The row is its own audit: who placed it, when and why, and the same
// for its release.
export class LegalHolds1764000038000 implements MigrationInterface {
  name = 'LegalHolds1764000038000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'legal_holds',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'scope', type: 'varchar' },
        { name: 'target_id', type: 'integer' },
        { name: 'reason', type: 'varchar' },
        { name: 'created_by', type: 'integer', isNullable: true },
        { name: 'created_at', type: 'bigint' },
        { name: 'released_at', type: 'bigint', isNullable: true },
        { name: 'released_by', type: 'integer', isNullable: true },
        { name: 'release_reason', type: 'varchar', isNullable: true },
      ],
      indices: [new TableIndex({ name: 'idx_legal_holds_target', columnNames: ['scope', 'target_id', 'released_at'] })],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('legal_holds');
  }
}
