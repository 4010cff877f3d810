import { MigrationInterface, QueryRunner } from 'typeorm';

// "Tickets handled" from the rollups: each touch fact (reply, note, status move) is linked to the
// same agent's and the same team's previous touch of its ticket (agent_prev_at / team_prev_at)
// with the class of the gap between them (agent_gap / team_gap; 99 once the pair's touches sit
// in more than one filter cell), and the rollups count first touches per day (handled_agent /
// handled_team). See src/db/repositories/report-touch-chain.ts for the reading.
const TOUCH = `f.kind IN ('agent_reply', 'note', 'status_changed')`;
// Frozen copies of the chain's constants (report-touch-chain.ts).
const QUANTUM = 900_000;
const CLASSES = 26;
const MIXED = 99;
const gapClass = (gap: string) => `CASE ${Array.from({ length: CLASSES - 1 }, (_, k) => `WHEN ${gap} < ${QUANTUM * 2 ** k} THEN ${k}`).join(' ')} ELSE ${CLASSES - 1} END`;

export class ReportTouchLinks1764000030000 implements MigrationInterface {
  name = 'ReportTouchLinks1764000030000';

  async up(q: QueryRunner): Promise<void> {
    for (const c of ['agent_prev_at', 'team_prev_at']) await q.query(`ALTER TABLE report_facts ADD COLUMN ${c} bigint NULL`);
    for (const c of ['agent_gap', 'team_gap']) await q.query(`ALTER TABLE report_facts ADD COLUMN ${c} integer NULL`);
    for (const c of ['handled_agent', 'handled_team']) await q.query(`ALTER TABLE report_rollups ADD COLUMN ${c} integer NOT NULL DEFAULT 0`);
    // Touches whose previous one lies before a period start, per gap class, covering the filters.
    await q.query(`CREATE INDEX ix_report_facts_agent_gap ON report_facts (agent_gap, at, agent_prev_at, agent_id, team_id, channel, inbox_id) WHERE agent_gap IS NOT NULL`);
    await q.query(`CREATE INDEX ix_report_facts_team_gap ON report_facts (team_gap, at, team_prev_at, team_id, agent_id, channel, inbox_id) WHERE team_gap IS NOT NULL`);
    await fillTouchLinks(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS ix_report_facts_agent_gap');
    await q.query('DROP INDEX IF EXISTS ix_report_facts_team_gap');
    for (const c of ['agent_prev_at', 'team_prev_at', 'agent_gap', 'team_gap']) await q.query(`ALTER TABLE report_facts DROP COLUMN ${c}`);
    for (const c of ['handled_agent', 'handled_team']) await q.query(`ALTER TABLE report_rollups DROP COLUMN ${c}`);
  }
}

// Links from the facts, then the rollups' first-touch counts (a later migration that refills
// report_rollups from the facts calls it again).
export async function fillTouchLinks(q: QueryRunner): Promise<void> {
  const run = (part: string) => `OVER (PARTITION BY f.ticket_id, ${part} ORDER BY f.at, f.id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
  const mixed = (part: string, cols: string[]) => cols.map((c) => `MIN(${c}) ${run(part)} <> MAX(${c}) ${run(part)}`).join(' OR ');
  const link = (chain: string) => `CASE WHEN x.${chain}_prev IS NULL THEN NULL WHEN x.${chain}_mixed = 1 THEN ${MIXED} ELSE ${gapClass(`(x.at - x.${chain}_prev)`)} END`;
  await q.query(`UPDATE report_facts SET
      agent_prev_at = CASE WHEN x.agent_id IS NULL THEN NULL ELSE x.agent_prev END,
      agent_gap = CASE WHEN x.agent_id IS NULL THEN NULL ELSE ${link('agent')} END,
      team_prev_at = CASE WHEN x.team_id IS NULL THEN NULL ELSE x.team_prev END,
      team_gap = CASE WHEN x.team_id IS NULL THEN NULL ELSE ${link('team')} END
    FROM (SELECT f.id AS id, f.at AS at, f.agent_id AS agent_id, f.team_id AS team_id,
        LAG(f.at) OVER (PARTITION BY f.ticket_id, f.agent_id ORDER BY f.at, f.id) AS agent_prev,
        CASE WHEN ${mixed('f.agent_id', ['f.channel', 'f.inbox_id', 'COALESCE(f.team_id, 0)'])} THEN 1 ELSE 0 END AS agent_mixed,
        LAG(f.at) OVER (PARTITION BY f.ticket_id, f.team_id ORDER BY f.at, f.id) AS team_prev,
        CASE WHEN ${mixed('f.team_id', ['f.channel', 'f.inbox_id'])} THEN 1 ELSE 0 END AS team_mixed
      FROM report_facts f WHERE ${TOUCH}) x
    WHERE report_facts.id = x.id AND (x.agent_id IS NOT NULL OR x.team_id IS NOT NULL)`);
  await q.query('UPDATE report_rollups SET handled_agent = 0, handled_team = 0');
  await q.query(`INSERT INTO report_rollups (day, channel, inbox_id, team_id, agent_id, handled_agent, handled_team)
    SELECT f.at / 86400000, f.channel, f.inbox_id, COALESCE(f.team_id, 0), COALESCE(f.agent_id, 0),
      SUM(CASE WHEN f.agent_id IS NOT NULL AND f.agent_prev_at IS NULL THEN 1 ELSE 0 END),
      SUM(CASE WHEN f.team_id IS NOT NULL AND f.team_prev_at IS NULL THEN 1 ELSE 0 END)
    FROM report_facts f WHERE ${TOUCH} AND ((f.agent_id IS NOT NULL AND f.agent_prev_at IS NULL) OR (f.team_id IS NOT NULL AND f.team_prev_at IS NULL))
    GROUP BY f.at / 86400000, f.channel, f.inbox_id, COALESCE(f.team_id, 0), COALESCE(f.agent_id, 0)
    ON CONFLICT (day, channel, inbox_id, team_id, agent_id) DO UPDATE SET handled_agent = excluded.handled_agent, handled_team = excluded.handled_team`);
}
