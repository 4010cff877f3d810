import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// Reports read one narrow row per thing that happened (created, replied, solved…), written in
// the same transaction as the change, so a 90-day view never scans messages.
export class ReportFacts1764000018000 implements MigrationInterface {
  name = 'ReportFacts1764000018000';

  async up(q: QueryRunner): Promise<void> {
    const int = (name: string, isNullable = true) => ({ name, type: 'integer', isNullable });
    const str = (name: string, length: string, isNullable = true) => ({ name, type: 'varchar', length, isNullable });
    const big = (name: string, isNullable = true) => ({ name, type: 'bigint', isNullable });
    await q.createTable(new Table({
      name: 'report_facts',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        str('kind', '32', false),
        big('at', false),
        int('ticket_id', false),
        int('inbox_id', false),
        str('channel', '32', false),
        int('team_id'),
        int('agent_id'),
        int('contact_id'),
        str('visibility', '16', false),
        str('audience', '16'),
        str('status_from', '16'),
        str('status_to', '16'),
        big('wall_ms'),
        big('business_ms'),
        int('reach'),
        { name: 'value', type: 'real', isNullable: true },
        int('message_id'),
      ],
      indices: [
        new TableIndex({ name: 'ix_report_facts_at', columnNames: ['at'] }),
        new TableIndex({ name: 'ix_report_facts_kind_at', columnNames: ['kind', 'at'] }),
        new TableIndex({ name: 'ix_report_facts_ticket', columnNames: ['ticket_id'] }),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('report_facts');
  }
}
