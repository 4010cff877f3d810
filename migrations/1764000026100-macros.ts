import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// Macros: named action lists (canned reply, tags, status, assignee…) an agent applies in one click.
export class Macros1764000026100 implements MigrationInterface {
  name = 'Macros1764000026100';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'macros',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'name', type: 'varchar' },
        { name: 'description', type: 'varchar', isNullable: true },
        { name: 'actions', type: 'text' },
        { name: 'created_by', type: 'integer', isNullable: true },
        { name: 'created_at', type: 'bigint' },
        { name: 'updated_at', type: 'bigint' },
      ],
      indices: [new TableIndex({ name: 'uq_macros_name', columnNames: ['name'], isUnique: true })],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('macros');
  }
}
