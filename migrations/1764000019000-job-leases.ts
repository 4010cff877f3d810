import { MigrationInterface, QueryRunner, Table } from 'typeorm';

// Time-based work (SLA clocks, time rules, snooze, auto-close, surveys) runs once per cluster:
// the node holding a job's lease runs it; another takes over when the lease runs out.
export class JobLeases1764000019000 implements MigrationInterface {
  name = 'JobLeases1764000019000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'job_leases',
      columns: [
        { name: 'name', type: 'varchar', length: '64', isPrimary: true },
        { name: 'holder', type: 'varchar', length: '64', isNullable: true },
        { name: 'lease_until', type: 'bigint', default: 0 },
        { name: 'last_run_at', type: 'bigint', isNullable: true },
        { name: 'last_error', type: 'varchar', length: '500', isNullable: true },
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('job_leases');
  }
}
