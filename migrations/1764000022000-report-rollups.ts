import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// Daily rollups of the report facts (counts and a duration histogram per UTC day, channel, inbox,
// team and agent), indexes that read the exact median out of one histogram band, and an index
// for the per-ticket look-ups the community and exposure views make. The rollups are filled
// from the facts already stored; from then on the facts repository keeps them.
const BINS = 64;
// Frozen copy of the band edges the rollups use (report-rollup.repository.ts).
const EDGES = Array.from({ length: BINS }, (_, i) => (i === 0 ? 0 : Math.round(10_000 * 2 ** ((i - 1) / 3))));
const COUNTS = ['created', 'replies', 'solved', 'reopened', 'backlog_delta', 'notes'];
const binCols = ['frt', 'res'].flatMap((m) => Array.from({ length: BINS }, (_, i) => `${m}_${i}`));
const DONE = `('solved', 'closed')`;

export class ReportRollups1764000022000 implements MigrationInterface {
  name = 'ReportRollups1764000022000';

  async up(q: QueryRunner): Promise<void> {
    const int = (name: string) => ({ name, type: 'integer', isNullable: false, default: 0 });
    await q.createTable(new Table({
      name: 'report_rollups',
      columns: [
        { name: 'day', type: 'integer', isPrimary: true },
        { name: 'channel', type: 'varchar', length: '32', isPrimary: true },
        { name: 'inbox_id', type: 'integer', isPrimary: true },
        // 0 stands for "no team" / "no agent" so the key has no NULLs.
        { name: 'team_id', type: 'integer', isPrimary: true },
        { name: 'agent_id', type: 'integer', isPrimary: true },
        ...COUNTS.map(int),
        ...binCols.map(int),
      ],
    }));
    // The exact value inside a band: facts of one measure, by day and duration, covering the filters.
    const cols = `(at / 86400000), wall_ms, at, channel, inbox_id, team_id, agent_id`;
    await q.query(`CREATE INDEX ix_report_facts_frt ON report_facts (${cols}) WHERE kind = 'first_response'`);
    await q.query(`CREATE INDEX ix_report_facts_res ON report_facts (${cols}) WHERE kind = 'status_changed' AND status_to = 'solved'`);
    // "Did this ticket get a public answer / a community answer / an agent reply by then?"
    await q.createIndex('report_facts', new TableIndex({ name: 'ix_report_facts_ticket_kind_at', columnNames: ['ticket_id', 'kind', 'at'] }));
    await q.dropIndex('report_facts', 'ix_report_facts_ticket');
    // Every report query names its kinds, so (kind, at) serves them all.
    await q.dropIndex('report_facts', 'ix_report_facts_at');

    await fillReportRollups(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.createIndex('report_facts', new TableIndex({ name: 'ix_report_facts_at', columnNames: ['at'] }));
    await q.createIndex('report_facts', new TableIndex({ name: 'ix_report_facts_ticket', columnNames: ['ticket_id'] }));
    await q.dropIndex('report_facts', 'ix_report_facts_ticket_kind_at');
    await q.query('DROP INDEX IF EXISTS ix_report_facts_frt');
    await q.query('DROP INDEX IF EXISTS ix_report_facts_res');
    await q.dropTable('report_rollups');
  }
}

// Refills report_rollups from report_facts in one statement; a later migration that rewrites
// facts in place (not through the repository) calls it again. `measures`: the histograms the
// table has by then, each [name, duration column].
export async function fillReportRollups(q: QueryRunner, measures: [string, string][] = [['frt', 'wall_ms'], ['res', 'wall_ms']]): Promise<void> {
  await q.query('DELETE FROM report_rollups');
  const binCols = measures.flatMap(([m]) => Array.from({ length: BINS }, (_, i) => `${m}_${i}`));
  const bin = (col: string) => `CASE WHEN f.${col} IS NULL THEN -1 ${EDGES.map((e, i) => [e, i] as const).slice(1).reverse().map(([e, i]) => `WHEN f.${col} >= ${e} THEN ${i}`).join(' ')} ELSE 0 END`;
  const binSums = measures.flatMap((_, mi) => Array.from({ length: BINS }, (_, i) => `SUM(CASE WHEN x.b${mi} = ${i} THEN 1 ELSE 0 END)`));
  const kindOf = (name: string) => (name.endsWith('frt') ? `f.kind = 'first_response'` : `f.kind = 'status_changed' AND f.status_to = 'solved'`);
  await q.query(`INSERT INTO report_rollups (day, channel, inbox_id, team_id, agent_id, ${COUNTS.join(', ')}, ${binCols.join(', ')})
    SELECT x.day, x.channel, x.inbox_id, x.team_id, x.agent_id,
      SUM(CASE WHEN x.kind = 'ticket_created' THEN 1 ELSE 0 END),
      SUM(CASE WHEN x.kind = 'agent_reply' THEN 1 ELSE 0 END),
      SUM(CASE WHEN x.kind = 'status_changed' AND x.status_to = 'solved' THEN 1 ELSE 0 END),
      SUM(CASE WHEN x.kind = 'status_changed' AND x.status_from IN ${DONE} AND x.status_to NOT IN ${DONE} THEN 1 ELSE 0 END),
      SUM(CASE WHEN x.kind = 'ticket_created' THEN 1
               WHEN x.kind = 'status_changed' AND x.status_from NOT IN ${DONE} AND x.status_to IN ${DONE} THEN -1
               WHEN x.kind = 'status_changed' AND x.status_from IN ${DONE} AND x.status_to NOT IN ${DONE} THEN 1 ELSE 0 END),
      SUM(CASE WHEN x.kind = 'note' THEN 1 ELSE 0 END),
      ${binSums.join(', ')}
    FROM (SELECT f.at / 86400000 AS day, f.channel AS channel, f.inbox_id AS inbox_id, COALESCE(f.team_id, 0) AS team_id, COALESCE(f.agent_id, 0) AS agent_id,
            f.kind AS kind, f.status_from AS status_from, f.status_to AS status_to,
            ${measures.map(([name, col], mi) => `CASE WHEN ${kindOf(name)} THEN ${bin(col)} ELSE -1 END AS b${mi}`).join(', ')}
          FROM report_facts f WHERE f.kind IN ('ticket_created', 'agent_reply', 'note', 'first_response', 'status_changed')) x
    GROUP BY x.day, x.channel, x.inbox_id, x.team_id, x.agent_id`);
}
