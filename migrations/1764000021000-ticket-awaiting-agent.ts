import { MigrationInterface, QueryRunner } from 'typeorm';

// Since when a customer waits for the team: set by the first thing they say after the last agent
// reply, cleared by the next reply. The command centre reads the longest waits through its index
// instead of looking at every open ticket's history.
export class TicketAwaitingAgent1764000021000 implements MigrationInterface {
  name = 'TicketAwaitingAgent1764000021000';

  async up(q: QueryRunner): Promise<void> {
    // Plain ADD COLUMN: TypeORM's addColumn rebuilds the table on SQLite and drops its FTS triggers.
    await q.query('ALTER TABLE tickets ADD COLUMN awaiting_agent_since bigint');
    // Tickets open today: from their reporting facts (the opening post unless an agent opened it,
    // or a customer reply) after the last agent reply.
    await q.query(`UPDATE tickets SET awaiting_agent_since = (
        SELECT MIN(f.at) FROM report_facts f WHERE f.ticket_id = tickets.id
          AND ((f.kind = 'ticket_created' AND f.agent_id IS NULL) OR f.kind = 'customer_reply')
          AND f.at > COALESCE((SELECT MAX(a.at) FROM report_facts a WHERE a.ticket_id = tickets.id AND a.kind = 'agent_reply'), -1))
      WHERE status IN ('new', 'open', 'pending')`);
    await q.query('CREATE INDEX ix_tickets_awaiting_agent ON tickets (status, channel, awaiting_agent_since)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ix_tickets_awaiting_agent');
    await q.query('ALTER TABLE tickets DROP COLUMN awaiting_agent_since');
  }
}
