import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

// The language of the agent app an agent chose for themselves (null: their browser's, else English).
export class AgentLocale1764000040700 implements MigrationInterface {
  name = 'AgentLocale1764000040700';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('agents', new TableColumn({ name: 'locale', type: 'varchar', length: '8', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('agents', 'locale');
  }
}
