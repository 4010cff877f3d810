import { MigrationInterface, QueryRunner, Table } from 'typeorm';

// report_channel_rollups: report_rollups summed per UTC day and channel. A view with no inbox,
// team or agent filter (the overview, the channels view) sums ~10 rows a day instead of one per
// (channel, inbox, team, agent): the histogram sums cost rows × 64 columns, so this is what makes
// a 90-day overview cheap. Kept by the same writes as report_rollups; filled from it here.
const BINS = 64;
// Frozen copy of the columns it holds (report-rollup.repository.ts CHANNEL_ROLLUP_COLUMNS).
const COUNTS = ['created', 'replies', 'solved', 'reopened', 'backlog_delta', 'notes', 'handled_agent', 'handled_team'];
const COLUMNS = [...COUNTS, ...['frt', 'res', 'bfrt', 'bres'].flatMap((m) => Array.from({ length: BINS }, (_, i) => `${m}_${i}`))];

export class ReportChannelRollups1764000032000 implements MigrationInterface {
  name = 'ReportChannelRollups1764000032000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'report_channel_rollups',
      columns: [
        { name: 'day', type: 'integer', isPrimary: true },
        { name: 'channel', type: 'varchar', length: '32', isPrimary: true },
        ...COLUMNS.map((name) => ({ name, type: 'integer', isNullable: false, default: 0 })),
      ],
    }));
    await q.query(`INSERT INTO report_channel_rollups (day, channel, ${COLUMNS.join(', ')})
      SELECT day, channel, ${COLUMNS.map((c) => `SUM(${c})`).join(', ')} FROM report_rollups GROUP BY day, channel`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('report_channel_rollups');
  }
}
