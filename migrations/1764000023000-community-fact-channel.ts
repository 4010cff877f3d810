import { MigrationInterface, QueryRunner } from 'typeorm';
import { fillReportRollupsWithBusiness } from './1764000022100-report-rollups-business';

// Questions from the community's ask form (a web-form inbox with the slug "community") were
// stored in report facts as web form; facts now carry the community channel themselves.
export class CommunityFactChannel1764000023000 implements MigrationInterface {
  name = 'CommunityFactChannel1764000023000';

  async up(q: QueryRunner): Promise<void> {
    await this.move(q, 'webform', 'community');
  }

  async down(q: QueryRunner): Promise<void> {
    await this.move(q, 'community', 'webform');
  }

  private async move(q: QueryRunner, from: string, to: string): Promise<void> {
    const pg = q.connection.driver.options.type === 'postgres';
    const p = (i: number) => (pg ? `$${i}` : '?');
    const forms: { id: number; settings: string | null }[] = await q.query(`SELECT id, settings FROM inboxes WHERE channel = ${p(1)}`, ['webform']);
    for (const f of forms) {
      let slug: unknown = null;
      try {
        slug = f.settings ? JSON.parse(f.settings)?.slug : null;
      } catch {
        continue;
      }
      if (slug !== 'community') continue;
      await q.query(`UPDATE report_facts SET channel = ${p(1)} WHERE inbox_id = ${p(2)} AND channel = ${p(3)}`, [to, Number(f.id), from]);
    }
    // The daily rollups count by channel: refilled from the facts as they now are.
    await fillReportRollupsWithBusiness(q);
  }
}
