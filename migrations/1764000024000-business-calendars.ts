import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// Business-hour calendars; an inbox or a team uses one (calendar_id). Plain ALTER TABLE: a
// TypeORM addColumn on SQLite rebuilds the table.
export class BusinessCalendars1764000024000 implements MigrationInterface {
  name = 'BusinessCalendars1764000024000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'business_calendars',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'name', type: 'varchar' },
        { name: 'time_zone', type: 'varchar' },
        { name: 'weekly_hours', type: 'text' },
        { name: 'holidays', type: 'text' },
        { name: 'created_at', type: 'bigint' },
        { name: 'updated_at', type: 'bigint' },
      ],
      indices: [new TableIndex({ name: 'uq_business_calendars_name', columnNames: ['name'], isUnique: true })],
    }));
    await q.query('ALTER TABLE inboxes ADD COLUMN calendar_id integer NULL');
    await q.query('ALTER TABLE teams ADD COLUMN calendar_id integer NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE teams DROP COLUMN calendar_id');
    await q.query('ALTER TABLE inboxes DROP COLUMN calendar_id');
    await q.dropTable('business_calendars');
  }
}
