import { MigrationInterface, QueryRunner, Table } from 'typeorm';

// Settings of the whole instance (the company's branding first), one JSON value per key, so a
// new setting needs no migration of its own. Every node reads the same row.
export class InstanceSettings1764000040050 implements MigrationInterface {
  name = 'InstanceSettings1764000040050';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'instance_settings',
      columns: [
        { name: 'key', type: 'varchar', length: '64', isPrimary: true },
        { name: 'value', type: 'text' },
        { name: 'updated_by', type: 'integer', isNullable: true },
        { name: 'updated_at', type: 'bigint' },
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('instance_settings');
  }
}
