import { MigrationInterface, QueryRunner } from 'typeorm';
import { fillReportRollups } from './1764000022000-report-rollups';

// Business-time medians beside wall time: the rollups keep a histogram of business_ms too, and
// the facts an index per measure to read the exact value inside one band.
const BINS = 64;
const ADDED = ['bfrt', 'bres'].flatMap((m) => Array.from({ length: BINS }, (_, i) => `${m}_${i}`));
export const ROLLUP_MEASURES: [string, string][] = [['frt', 'wall_ms'], ['res', 'wall_ms'], ['bfrt', 'business_ms'], ['bres', 'business_ms']];

// The rollups as this migration leaves them, refilled from the facts (later migrations that
// rewrite facts in place call it).
export const fillReportRollupsWithBusiness = (q: QueryRunner) => fillReportRollups(q, ROLLUP_MEASURES);

export class ReportRollupsBusiness1764000022100 implements MigrationInterface {
  name = 'ReportRollupsBusiness1764000022100';

  async up(q: QueryRunner): Promise<void> {
    for (const c of ADDED) await q.query(`ALTER TABLE report_rollups ADD COLUMN ${c} integer NOT NULL DEFAULT 0`);
    const cols = `(at / 86400000), business_ms, at, channel, inbox_id, team_id, agent_id`;
    await q.query(`CREATE INDEX ix_report_facts_bfrt ON report_facts (${cols}) WHERE kind = 'first_response'`);
    await q.query(`CREATE INDEX ix_report_facts_bres ON report_facts (${cols}) WHERE kind = 'status_changed' AND status_to = 'solved'`);
    await fillReportRollupsWithBusiness(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS ix_report_facts_bfrt');
    await q.query('DROP INDEX IF EXISTS ix_report_facts_bres');
    for (const c of ADDED) await q.query(`ALTER TABLE report_rollups DROP COLUMN ${c}`);
  }
}
