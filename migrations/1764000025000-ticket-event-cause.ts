import { MigrationInterface, QueryRunner } from 'typeorm';

// Why an automatic change happened (the rule or macro that made it), beside who made it.
// A plain ADD COLUMN: it needs no table rebuild on SQLite, and old events simply have no cause.
export class TicketEventCause1764000025000 implements MigrationInterface {
  name = 'TicketEventCause1764000025000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE ticket_events ADD COLUMN cause text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE ticket_events DROP COLUMN cause');
  }
}
