import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// report_outcomes: per community question, community solve and public post, the later moment
// that decides it (first community answer, first agent reply, first public answer), and copies
// of the first community answers and answered public waits, so the community and exposure views
// count rows of one small table instead of probing each question's facts
// (src/db/repositories/report-outcome.repository.ts). Filled from the facts already stored;
// from then on the facts repository keeps it.
const PUBLIC_ANSWER = `a.at >= f.at AND ((a.kind = 'agent_reply' AND a.audience = 'public')
  OR (a.kind = 'community_answer' AND (a.contact_id IS NULL OR f.contact_id IS NULL OR a.contact_id <> f.contact_id)))`;

export class ReportOutcomes1764000031000 implements MigrationInterface {
  name = 'ReportOutcomes1764000031000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'report_outcomes',
      columns: [
        { name: 'fact_id', type: 'integer', isPrimary: true },
        { name: 'kind', type: 'varchar', length: '16', isPrimary: true },
        { name: 'ticket_id', type: 'integer' },
        { name: 'at', type: 'bigint' },
        { name: 'channel', type: 'varchar', length: '32' },
        { name: 'inbox_id', type: 'integer' },
        { name: 'team_id', type: 'integer', isNullable: true },
        { name: 'agent_id', type: 'integer', isNullable: true },
        { name: 'reach', type: 'integer', isNullable: true },
        { name: 'answer_at', type: 'bigint', isNullable: true },
        { name: 'wait_ms', type: 'bigint', isNullable: true },
      ],
    }));
    // Covering: the views read every column of the rows of a kind in a period.
    await q.createIndex('report_outcomes', new TableIndex({
      name: 'ix_report_outcomes_kind_at',
      columnNames: ['kind', 'at', 'channel', 'inbox_id', 'team_id', 'agent_id', 'ticket_id', 'fact_id', 'reach', 'answer_at', 'wait_ms'],
    }));
    await q.createIndex('report_outcomes', new TableIndex({ name: 'ix_report_outcomes_ticket', columnNames: ['ticket_id'] }));
    // A frozen copy of the rules in report-outcome.repository.ts.
    const cols = (kind: string) => `f.id, '${kind}', f.ticket_id, f.at, f.channel, f.inbox_id, f.team_id, f.agent_id, f.reach`;
    const first = (cond: string) => `(SELECT MIN(a.at) FROM report_facts a WHERE a.ticket_id = f.ticket_id AND ${cond}), CAST(NULL AS bigint)`;
    const copy = `CAST(NULL AS bigint), f.wall_ms`;
    await q.query(`INSERT INTO report_outcomes (fact_id, kind, ticket_id, at, channel, inbox_id, team_id, agent_id, reach, answer_at, wait_ms)
      SELECT ${cols('question')}, ${first(`a.kind = 'community_answer'`)} FROM report_facts f WHERE f.kind = 'ticket_created' AND f.channel = 'community'
      UNION ALL SELECT ${cols('solve')}, ${first(`a.kind = 'agent_reply'`)} FROM report_facts f WHERE f.kind = 'status_changed' AND f.status_to = 'solved' AND f.channel = 'community'
      UNION ALL SELECT ${cols('post')}, ${first(PUBLIC_ANSWER)} FROM report_facts f WHERE f.kind IN ('ticket_created', 'customer_reply') AND f.visibility = 'public' AND f.audience = 'public'
      UNION ALL SELECT ${cols('first_answer')}, ${copy} FROM report_facts f WHERE f.kind = 'community_answer' AND f.value = 1 AND f.channel = 'community' AND f.wall_ms IS NOT NULL
      UNION ALL SELECT ${cols('wait')}, ${copy} FROM report_facts f WHERE f.kind = 'public_answer_wait' AND f.wall_ms IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('report_outcomes');
  }
}
