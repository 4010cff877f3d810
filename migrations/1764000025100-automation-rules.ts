import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// Automation rules and the record of each time a rule ran on a ticket (the hourly budget of the
// loop guard counts it; its unique key lets a time rule fire once per ticket and stay, on every node).
// Tickets learn when their status last changed and since when they wait on the customer, so the
// time sweeps read an index range instead of scanning every ticket.
export class AutomationRules1764000025100 implements MigrationInterface {
  name = 'AutomationRules1764000025100';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'automation_rules',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'name', type: 'varchar', length: '120' },
        { name: 'enabled', type: 'boolean', default: 'false' },
        { name: 'position', type: 'integer', default: 0 },
        { name: 'trigger', type: 'varchar', length: '40' },
        { name: 'trigger_config', type: 'text', isNullable: true },
        { name: 'conditions', type: 'text', isNullable: true },
        { name: 'actions', type: 'text', isNullable: true },
        { name: 'swept_until', type: 'bigint', isNullable: true },
        { name: 'created_by', type: 'integer', isNullable: true },
        { name: 'created_at', type: 'bigint' },
        { name: 'updated_at', type: 'bigint' },
      ],
      indices: [new TableIndex({ name: 'ix_automation_rules_trigger', columnNames: ['trigger', 'enabled', 'position'] })],
    }));
    await q.createTable(new Table({
      name: 'automation_runs',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'rule_id', type: 'integer' },
        { name: 'ticket_id', type: 'integer' },
        { name: 'trigger', type: 'varchar', length: '40' },
        // Time rules: which stay in a state fired it ("pending:<since>"); null for event rules.
        { name: 'trigger_key', type: 'varchar', length: '80', isNullable: true },
        { name: 'outcome', type: 'varchar', length: '20' },
        { name: 'actions', type: 'integer', default: 0 },
        { name: 'steps', type: 'text', isNullable: true },
        { name: 'created_at', type: 'bigint' },
      ],
      indices: [
        new TableIndex({ name: 'uq_automation_runs_key', columnNames: ['rule_id', 'ticket_id', 'trigger_key'], isUnique: true }),
        new TableIndex({ name: 'ix_automation_runs_ticket', columnNames: ['ticket_id', 'created_at'] }),
        new TableIndex({ name: 'ix_automation_runs_rule', columnNames: ['rule_id', 'id'] }),
      ],
    }));
    // Plain ADD COLUMN: TypeORM's addColumn rebuilds the table on SQLite and drops its FTS triggers.
    await q.query('ALTER TABLE tickets ADD COLUMN status_changed_at bigint');
    await q.query('ALTER TABLE tickets ADD COLUMN awaiting_customer_since bigint');
    // Until now only the last change was kept: the last update stands in for the status's start.
    await q.query('UPDATE tickets SET status_changed_at = updated_at');
    await q.query('CREATE INDEX ix_tickets_status_changed ON tickets (status, status_changed_at)');
    await q.query('CREATE INDEX ix_tickets_awaiting_customer ON tickets (awaiting_customer_since)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ix_tickets_awaiting_customer');
    await q.query('DROP INDEX ix_tickets_status_changed');
    await q.query('ALTER TABLE tickets DROP COLUMN awaiting_customer_since');
    await q.query('ALTER TABLE tickets DROP COLUMN status_changed_at');
    await q.dropTable('automation_runs');
    await q.dropTable('automation_rules');
  }
}
