import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// Erasure requests: who asked to forget which contact, and what was removed (no personal data).
export class ErasureRequests1764000036200 implements MigrationInterface {
  name = 'ErasureRequests1764000036200';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'erasure_requests',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'contact_id', type: 'integer' },
        { name: 'mode', type: 'varchar', length: '16' },
        { name: 'state', type: 'varchar', length: '16' },
        { name: 'reason', type: 'varchar', length: '500', isNullable: true },
        { name: 'refusal', type: 'varchar', length: '500', isNullable: true },
        { name: 'requested_by', type: 'integer', isNullable: true },
        { name: 'counts', type: 'text', isNullable: true },
        { name: 'created_at', type: 'bigint' },
      ],
      indices: [new TableIndex({ name: 'idx_erasure_requests_contact', columnNames: ['contact_id'] })],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('erasure_requests');
  }
}
