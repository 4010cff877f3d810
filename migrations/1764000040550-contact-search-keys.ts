import { MigrationInterface, QueryRunner } from 'typeorm';

// The contacts list searches by a prefix of the name, of an identity's value (e-mail address,
// phone, account) or of its handle, case-insensitively, and pages by name: indexes on the
// lowercased columns let each be a range read instead of a scan of every contact. Postgres
// compares them bytewise (COLLATE "C"), as SQLite does, so both stores order and match alike.
const INDEXES: [name: string, table: string, expr: string][] = [
  ['ix_contacts_name_lower', 'contacts', 'LOWER(name)%, id'],
  ['ix_identities_value_lower', 'identities', 'LOWER(value)%'],
  ['ix_identities_handle_lower', 'identities', 'LOWER(handle)%'],
];

export class ContactSearchKeys1764000040550 implements MigrationInterface {
  name = 'ContactSearchKeys1764000040550';

  async up(q: QueryRunner): Promise<void> {
    const pg = q.connection.driver.options.type === 'postgres';
    for (const [name, table, expr] of INDEXES) {
      const cols = pg ? expr.replace(/(LOWER\(\w+\))%/, '($1 COLLATE "C")') : expr.replace('%', '');
      await q.query(`CREATE INDEX ${name} ON ${table} (${cols})`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [name] of INDEXES) await q.query(`DROP INDEX ${name}`);
  }
}
