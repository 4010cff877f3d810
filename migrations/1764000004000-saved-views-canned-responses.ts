import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// Agent inbox: saved custom views (filters kept as a query string) and canned responses.
export class SavedViewsCannedResponses1764000004000 implements MigrationInterface {
  name = 'SavedViewsCannedResponses1764000004000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'saved_views',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'agent_id', type: 'integer' },
        { name: 'name', type: 'varchar' },
        { name: 'query', type: 'varchar' },
        { name: 'created_at', type: 'bigint' },
      ],
      indices: [new TableIndex({ name: 'ix_saved_views_agent', columnNames: ['agent_id', 'id'] })],
    }));
    await q.createTable(new Table({
      name: 'canned_responses',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'title', type: 'varchar' },
        { name: 'body', type: 'text' },
        { name: 'created_by', type: 'integer', isNullable: true },
        { name: 'created_at', type: 'bigint' },
        { name: 'updated_at', type: 'bigint' },
      ],
      indices: [new TableIndex({ name: 'uq_canned_responses_title', columnNames: ['title'], isUnique: true })],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('canned_responses');
    await q.dropTable('saved_views');
  }
}
