import { MigrationInterface, QueryRunner } from 'typeorm';

// report_channel_rollups kept by the store itself: every row added to or moved in report_rollups
// adds the same numbers (for a move, new minus old) to its (day, channel) sum, so a ticket
// command writes its rollups with one upsert instead of two. Rows of report_rollups are only
// ever added to by upserts and cleared together with the channel sums, so there is no delete
// trigger. A later migration that refills report_rollups must clear report_channel_rollups
// after it and sum them again (the trigger will have added the refill on top).
// Frozen copy of the channel sums' columns (report-rollup.repository.ts CHANNEL_ROLLUP_COLUMNS).
const BINS = 64;
const COUNTS = ['created', 'replies', 'solved', 'reopened', 'backlog_delta', 'notes', 'handled_agent', 'handled_team'];
const COLUMNS = [...COUNTS, ...['frt', 'res', 'bfrt', 'bres'].flatMap((m) => Array.from({ length: BINS }, (_, i) => `${m}_${i}`))];

const upsert = (value: (c: string) => string) => `INSERT INTO report_channel_rollups (day, channel, ${COLUMNS.join(', ')})
  VALUES (NEW.day, NEW.channel, ${COLUMNS.map(value).join(', ')})
  ON CONFLICT (day, channel) DO UPDATE SET ${COLUMNS.map((c) => `${c} = report_channel_rollups.${c} + excluded.${c}`).join(', ')}`;
const ADDED = upsert((c) => `NEW.${c}`);
const MOVED = upsert((c) => `NEW.${c} - OLD.${c}`);

export class ChannelRollupsTrigger1764000040100 implements MigrationInterface {
  name = 'ChannelRollupsTrigger1764000040100';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') {
      await q.query(`CREATE FUNCTION report_rollups_to_channel() RETURNS trigger AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN ${ADDED}; ELSE ${MOVED}; END IF;
          RETURN NULL;
        END $$ LANGUAGE plpgsql`);
      await q.query('CREATE TRIGGER report_rollups_channel AFTER INSERT OR UPDATE ON report_rollups FOR EACH ROW EXECUTE FUNCTION report_rollups_to_channel()');
    } else {
      await q.query(`CREATE TRIGGER report_rollups_channel_added AFTER INSERT ON report_rollups BEGIN ${ADDED}; END`);
      await q.query(`CREATE TRIGGER report_rollups_channel_moved AFTER UPDATE ON report_rollups BEGIN ${MOVED}; END`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') {
      await q.query('DROP TRIGGER IF EXISTS report_rollups_channel ON report_rollups');
      await q.query('DROP FUNCTION IF EXISTS report_rollups_to_channel()');
    } else {
      await q.query('DROP TRIGGER IF EXISTS report_rollups_channel_added');
      await q.query('DROP TRIGGER IF EXISTS report_rollups_channel_moved');
    }
  }
}
