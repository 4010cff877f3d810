import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// Customer satisfaction: one request per ticket solve, its delivery and the answer.
export class CsatSurveys1764000020000 implements MigrationInterface {
  name = 'CsatSurveys1764000020000';

  async up(q: QueryRunner): Promise<void> {
    const int = (name: string, isNullable = true) => ({ name, type: 'integer', isNullable });
    const str = (name: string, length: string, isNullable = true) => ({ name, type: 'varchar', length, isNullable });
    const big = (name: string, isNullable = true) => ({ name, type: 'bigint', isNullable });
    await q.createTable(new Table({
      name: 'csat_surveys',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        int('ticket_id', false),
        int('contact_id', false),
        int('inbox_id', false),
        str('channel', '32', false),
        int('agent_id'),
        big('solved_at', false),
        big('due_at', false),
        str('state', '16', false),
        str('skip_reason', '200'),
        str('via', '100'),
        big('sent_at'),
        big('expires_at'),
        int('score'),
        { name: 'comment', type: 'text', isNullable: true },
        big('rated_at'),
        big('updated_at'),
        big('created_at', false),
      ],
      indices: [
        // At most one request per solve, whatever races.
        new TableIndex({ name: 'ux_csat_surveys_solve', columnNames: ['ticket_id', 'solved_at'], isUnique: true }),
        new TableIndex({ name: 'ix_csat_surveys_due', columnNames: ['state', 'due_at'] }),
        new TableIndex({ name: 'ix_csat_surveys_contact', columnNames: ['contact_id', 'sent_at'] }),
        new TableIndex({ name: 'ix_csat_surveys_rated', columnNames: ['rated_at'] }),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('csat_surveys');
  }
}
