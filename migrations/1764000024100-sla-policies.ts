import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// SLA policies (ordered; the first that matches a ticket applies) and each ticket's SLA clock.
// The ticket keeps its next due time (sla_due_at, already sorted on) and which target that is;
// the clock's detail lives beside it so the sweep reads one narrow indexed table.
// The per-inbox first-response minutes become one policy per inbox, in inbox order, counting
// wall-clock time as before; the inbox column is emptied so nothing reads it any more.
export class SlaPolicies1764000024100 implements MigrationInterface {
  name = 'SlaPolicies1764000024100';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'sla_policies',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'name', type: 'varchar' },
        { name: 'position', type: 'integer' },
        { name: 'enabled', type: 'boolean', default: true },
        { name: 'conditions', type: 'text' },
        { name: 'first_response_minutes', type: 'integer', isNullable: true },
        { name: 'next_response_minutes', type: 'integer', isNullable: true },
        { name: 'resolution_minutes', type: 'integer', isNullable: true },
        { name: 'warn_before_minutes', type: 'integer', default: 0 },
        { name: 'business_hours', type: 'boolean', default: true },
        { name: 'created_at', type: 'bigint' },
        { name: 'updated_at', type: 'bigint' },
      ],
      indices: [
        new TableIndex({ name: 'uq_sla_policies_name', columnNames: ['name'], isUnique: true }),
        new TableIndex({ name: 'ix_sla_policies_position', columnNames: ['position'] }),
      ],
    }));
    await q.createTable(new Table({
      name: 'ticket_sla_clocks',
      columns: [
        { name: 'ticket_id', type: 'integer', isPrimary: true },
        { name: 'state', type: 'text' },
        // When the sweep must look next (a warning or a breach); null when nothing can fire.
        { name: 'alert_at', type: 'bigint', isNullable: true },
      ],
      indices: [new TableIndex({ name: 'ix_ticket_sla_clocks_alert', columnNames: ['alert_at'] })],
    }));
    await q.query('ALTER TABLE tickets ADD COLUMN sla_policy_id integer NULL');
    await q.query('ALTER TABLE tickets ADD COLUMN sla_target varchar(16) NULL');

    const inboxes: { id: number | string; name: string; minutes: number | string; created_at: number | string }[] =
      await q.query('SELECT id, name, first_response_minutes AS minutes, created_at FROM inboxes WHERE first_response_minutes IS NOT NULL ORDER BY id');
    const now = Date.now();
    const p = (i: number) => (q.connection.driver.options.type === 'postgres' ? `$${i}` : '?');
    let position = 0;
    for (const inbox of inboxes) {
      position += 1;
      const name = `First response: ${inbox.name} #${inbox.id}`.slice(0, 200);
      await q.query(
        `INSERT INTO sla_policies (name, position, enabled, conditions, first_response_minutes, warn_before_minutes, business_hours, created_at, updated_at) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, 0, ${p(6)}, ${p(7)}, ${p(8)})`,
        [name, position, true, JSON.stringify({ inboxIds: [Number(inbox.id)] }), Number(inbox.minutes), false, now, now],
      );
      const [{ id: policyId }] = await q.query(`SELECT id FROM sla_policies WHERE name = ${p(1)}`, [name]);
      // Tickets still waiting for their first response carry on under the policy: same due time.
      await q.query(
        `UPDATE tickets SET sla_policy_id = ${p(1)}, sla_target = 'first_response' WHERE inbox_id = ${p(2)} AND sla_due_at IS NOT NULL AND first_response_at IS NULL AND status IN ('new', 'open', 'pending')`,
        [Number(policyId), Number(inbox.id)],
      );
    }
    // Their clocks start from the ticket's history on first touch; the sweep looks at them at their due time.
    await q.query(`INSERT INTO ticket_sla_clocks (ticket_id, state, alert_at) SELECT id, 'null', sla_due_at FROM tickets WHERE sla_policy_id IS NOT NULL`);
    await q.query('UPDATE inboxes SET first_response_minutes = NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    const p = (i: number) => (q.connection.driver.options.type === 'postgres' ? `$${i}` : '?');
    const rows: { first_response_minutes: number | string; conditions: string }[] = await q.query(`SELECT first_response_minutes, conditions FROM sla_policies WHERE first_response_minutes IS NOT NULL ORDER BY position DESC`);
    for (const r of rows) {
      const ids = (JSON.parse(r.conditions).inboxIds ?? []) as number[];
      if (ids.length === 1) await q.query(`UPDATE inboxes SET first_response_minutes = ${p(1)} WHERE id = ${p(2)}`, [Number(r.first_response_minutes), ids[0]]);
    }
    await q.query('ALTER TABLE tickets DROP COLUMN sla_target');
    await q.query('ALTER TABLE tickets DROP COLUMN sla_policy_id');
    await q.dropTable('ticket_sla_clocks');
    await q.dropTable('sla_policies');
  }
}
