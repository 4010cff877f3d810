import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

// Each agent's colour theme for the agent app: null follows the device (prefers-color-scheme),
// 'light' or 'dark' is the agent's own choice, kept across devices and sessions.
export class AgentTheme1764000039600 implements MigrationInterface {
  name = 'AgentTheme1764000039600';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('agents', new TableColumn({ name: 'theme', type: 'varchar', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('agents', 'theme');
  }
}
