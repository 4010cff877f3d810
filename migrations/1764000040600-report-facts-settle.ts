import { MigrationInterface, QueryRunner } from 'typeorm';

// Facts are written by the ticket commands as bare rows (rolled_up = 0); the settler adds them
// to the rollups, links their touches and derives their outcome rows later, in batches
// (src/reports/settle-facts.ts). Every fact stored so far is already in the rollups. The
// partial index finds the few unsettled rows without reading the settled millions.
export class ReportFactsSettle1764000040600 implements MigrationInterface {
  name = 'ReportFactsSettle1764000040600';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE report_facts ADD COLUMN rolled_up smallint NOT NULL DEFAULT 1');
    await q.query('CREATE INDEX ix_report_facts_unsettled ON report_facts (id) WHERE rolled_up = 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ix_report_facts_unsettled');
    await q.query('ALTER TABLE report_facts DROP COLUMN rolled_up');
  }
}
