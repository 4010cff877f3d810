import { MigrationInterface, QueryRunner, Table } from 'typeorm';

// report_agent_rollups: the wall-time histograms of first response and resolution summed per UTC
// day × agent × team (0: none), for the agents view's medians per agent and per team. Summing
// 128 bins over every (channel, inbox, team, agent) row of 90 days was the view's largest read
// (~16,000 rows for a million tickets; this table holds one row per agent and team a day).
// Kept by the store like report_channel_rollups: triggers on report_rollups add each row's
// change (for a move, new minus old), the update trigger only when a listed bin is set. Filled
// here from report_rollups. A later migration that refills report_rollups must clear and sum
// this table again after it.
const BINS = 64;
// Frozen copy of the columns it holds (report-rollup.repository.ts AGENT_ROLLUP_COLUMNS).
const COLUMNS = ['frt', 'res'].flatMap((m) => Array.from({ length: BINS }, (_, i) => `${m}_${i}`));
const KEYS = ['day', 'agent_id', 'team_id'];

const upsert = (value: (c: string) => string) => `INSERT INTO report_agent_rollups (${[...KEYS, ...COLUMNS].join(', ')})
  VALUES (NEW.day, NEW.agent_id, NEW.team_id, ${COLUMNS.map(value).join(', ')})
  ON CONFLICT (${KEYS.join(', ')}) DO UPDATE SET ${COLUMNS.map((c) => `${c} = report_agent_rollups.${c} + excluded.${c}`).join(', ')}`;
const ADDED = upsert((c) => `NEW.${c}`);
const MOVED = upsert((c) => `NEW.${c} - OLD.${c}`);
// An added row with no duration in it adds nothing here.
const HAS_BINS = `(${COLUMNS.map((c) => `NEW.${c} <> 0`).join(' OR ')})`;

export class AgentRollups1764000040110 implements MigrationInterface {
  name = 'AgentRollups1764000040110';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'report_agent_rollups',
      columns: [
        ...KEYS.map((name) => ({ name, type: 'integer', isPrimary: true })),
        ...COLUMNS.map((name) => ({ name, type: 'integer', isNullable: false, default: 0 })),
      ],
    }));
    await q.query(`INSERT INTO report_agent_rollups (${[...KEYS, ...COLUMNS].join(', ')})
      SELECT ${[...KEYS, ...COLUMNS.map((c) => `SUM(${c})`)].join(', ')} FROM report_rollups GROUP BY ${KEYS.join(', ')}`);
    if (q.connection.driver.options.type === 'postgres') {
      await q.query(`CREATE FUNCTION report_rollups_to_agent() RETURNS trigger AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            IF ${HAS_BINS} THEN ${ADDED}; END IF;
          ELSE ${MOVED}; END IF;
          RETURN NULL;
        END $$ LANGUAGE plpgsql`);
      await q.query(`CREATE TRIGGER report_rollups_agent_added AFTER INSERT ON report_rollups FOR EACH ROW EXECUTE FUNCTION report_rollups_to_agent()`);
      await q.query(`CREATE TRIGGER report_rollups_agent_moved AFTER UPDATE OF ${COLUMNS.join(', ')} ON report_rollups FOR EACH ROW EXECUTE FUNCTION report_rollups_to_agent()`);
    } else {
      await q.query(`CREATE TRIGGER report_rollups_agent_added AFTER INSERT ON report_rollups WHEN ${HAS_BINS} BEGIN ${ADDED}; END`);
      await q.query(`CREATE TRIGGER report_rollups_agent_moved AFTER UPDATE OF ${COLUMNS.join(', ')} ON report_rollups BEGIN ${MOVED}; END`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') {
      await q.query('DROP TRIGGER IF EXISTS report_rollups_agent_added ON report_rollups');
      await q.query('DROP TRIGGER IF EXISTS report_rollups_agent_moved ON report_rollups');
      await q.query('DROP FUNCTION IF EXISTS report_rollups_to_agent()');
    } else {
      await q.query('DROP TRIGGER IF EXISTS report_rollups_agent_added');
      await q.query('DROP TRIGGER IF EXISTS report_rollups_agent_moved');
    }
    await q.dropTable('report_agent_rollups');
  }
}
