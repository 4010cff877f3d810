import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

// Round-robin assignment rotates by the time each agent last received a ticket.
export class AgentLastAssigned1764000000500 implements MigrationInterface {
  name = 'AgentLastAssigned1764000000500';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('agents', new TableColumn({ name: 'last_assigned_at', type: 'bigint', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('agents', 'last_assigned_at');
  }
}
