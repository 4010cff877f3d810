import { MigrationInterface, QueryRunner, Table } from 'typeorm';

// The tables read on every ticket change (SLA policies, webhooks) are cached on each node; a
// stamp per table, set afresh by triggers on any write to it (commands, imports, a hand-edit) in
// the writing transaction, tells a node in its own transaction whether its copy is current —
// on every node of a cluster, with no window in which a changed webhook is used as it was. The
// stamp is random, not a counter: a write rolled back leaves no number a later write would reuse.
const WATCHED = ['sla_policies', 'webhooks'];

export class ConfigVersions1764000040150 implements MigrationInterface {
  name = 'ConfigVersions1764000040150';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'config_versions',
      columns: [
        { name: 'name', type: 'varchar', length: '64', isPrimary: true },
        { name: 'stamp', type: 'varchar', length: '40' },
      ],
    }));
    for (const t of WATCHED) await q.query(`INSERT INTO config_versions (name, stamp) VALUES ('${t}', 'initial')`);
    if (q.connection.driver.options.type === 'postgres') {
      await q.query(`CREATE FUNCTION chorus_bump_config_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN UPDATE config_versions SET stamp = md5(random()::text || clock_timestamp()::text) WHERE name = TG_ARGV[0]; RETURN NULL; END $$`);
      for (const t of WATCHED) {
        await q.query(`CREATE TRIGGER trg_${t}_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION chorus_bump_config_version('${t}')`);
      }
      return;
    }
    for (const t of WATCHED) {
      for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
        await q.query(`CREATE TRIGGER trg_${t}_version_${op.toLowerCase()} AFTER ${op} ON ${t} BEGIN UPDATE config_versions SET stamp = lower(hex(randomblob(16))) WHERE name = '${t}'; END`);
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') {
      for (const t of WATCHED) await q.query(`DROP TRIGGER IF EXISTS trg_${t}_version ON ${t}`);
      await q.query('DROP FUNCTION IF EXISTS chorus_bump_config_version()');
    } else {
      for (const t of WATCHED) for (const op of ['insert', 'update', 'delete']) await q.query(`DROP TRIGGER IF EXISTS trg_${t}_version_${op}`);
    }
    await q.dropTable('config_versions');
  }
}
