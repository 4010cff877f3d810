import type { EntityManager } from 'typeorm';
import { type FactFilters, filterSql, run, type Window } from './report-query.repository';

// report_outcomes: one row per fact whose meaning depends on what happened later on its ticket,
// with that later moment stored beside it, so the community and exposure views count rows of
// one narrow table instead of probing each question's facts:
// - 'question': a community question (its ticket_created fact); answer_at = the ticket's first
//   community answer (answered in a period when answer_at < the period's end);
// - 'solve': a community question solved; answer_at = the ticket's first agent reply (no agent
//   reply by then, answer_at null or later than the solve, is a deflection);
// - 'post': a public customer post on a public thread; answer_at = the first public answer at or
//   after it (an agent's public reply, or a community answer by someone else). It still waits at
//   `end` when answer_at is null or not before `end`.
// and, copied from their facts so that both views read this one small table:
// - 'first_answer': a question's first community answer; wait_ms = time since it was asked;
// - 'wait': a public post answered after a wait (its public_answer_wait fact); wait_ms = the wait.
// Each row carries its fact's id, time, ticket and filter columns (channel, inbox, team, agent)
// under the facts' own names, so the facts' filters (the tag too: the ticket's current tags)
// read these rows as they read the facts.
// A ticket's rows depend on its own facts only: the settler derives them again for every ticket
// whose new or patched facts it settles (report-settle.repository.ts); deletes drop them.

// The facts whose insertion can change a ticket's rows (as a subject or as an answer).
export const OUTCOME_KINDS: ReadonlySet<string> = new Set(['ticket_created', 'customer_reply', 'status_changed', 'agent_reply', 'community_answer', 'public_answer_wait']);

const COLUMNS = 'fact_id, kind, ticket_id, at, channel, inbox_id, team_id, agent_id, reach, answer_at, wait_ms';
const SUBJECT = (kind: string) => `f.id, '${kind}', f.ticket_id, f.at, f.channel, f.inbox_id, f.team_id, f.agent_id, f.reach`;
const FIRST = (cond: string) => `(SELECT MIN(a.at) FROM report_facts a WHERE a.ticket_id = f.ticket_id AND ${cond}), CAST(NULL AS bigint)`;
const COPY = `CAST(NULL AS bigint), f.wall_ms`;
// The same rules the facts-only queries (report-query.repository) apply per period.
const PUBLIC_ANSWER = `a.at >= f.at AND ((a.kind = 'agent_reply' AND a.audience = 'public')
  OR (a.kind = 'community_answer' AND (a.contact_id IS NULL OR f.contact_id IS NULL OR a.contact_id <> f.contact_id)))`;

// Every row of the facts in scope (`scope`: a condition on f), as one INSERT … SELECT.
function deriveSql(scope: string): string {
  return `INSERT INTO report_outcomes (${COLUMNS})
    SELECT ${SUBJECT('question')}, ${FIRST(`a.kind = 'community_answer'`)} FROM report_facts f
      WHERE f.kind = 'ticket_created' AND f.channel = 'community' AND ${scope}
    UNION ALL SELECT ${SUBJECT('solve')}, ${FIRST(`a.kind = 'agent_reply'`)} FROM report_facts f
      WHERE f.kind = 'status_changed' AND f.status_to = 'solved' AND f.channel = 'community' AND ${scope}
    UNION ALL SELECT ${SUBJECT('post')}, ${FIRST(PUBLIC_ANSWER)} FROM report_facts f
      WHERE f.kind IN ('ticket_created', 'customer_reply') AND f.visibility = 'public' AND f.audience = 'public' AND ${scope}
    UNION ALL SELECT ${SUBJECT('first_answer')}, ${COPY} FROM report_facts f
      WHERE f.kind = 'community_answer' AND f.value = 1 AND f.channel = 'community' AND f.wall_ms IS NOT NULL AND ${scope}
    UNION ALL SELECT ${SUBJECT('wait')}, ${COPY} FROM report_facts f
      WHERE f.kind = 'public_answer_wait' AND f.wall_ms IS NOT NULL AND ${scope}`;
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
// Still waiting at `end`: posted before it, and no public answer before it.
const WAITING = `f.kind = 'post' AND f.at < :end AND (f.answer_at IS NULL OR f.answer_at >= :end)`;

export const reportOutcomeRepository = {
  // Derives these tickets' rows again from their facts (after the facts changed).
  async refresh(m: EntityManager, ticketIds: number[]): Promise<void> {
    const ids = [...new Set(ticketIds)];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      await run(m, 'DELETE FROM report_outcomes WHERE ticket_id IN (:...ids)', { ids: chunk });
      await run(m, deriveSql('f.ticket_id IN (:...ids)'), { ids: chunk });
    }
  },

  // These tickets have no facts left.
  async dropTickets(m: EntityManager, ticketIds: number[]): Promise<void> {
    for (let i = 0; i < ticketIds.length; i += 500) await run(m, 'DELETE FROM report_outcomes WHERE ticket_id IN (:...ids)', { ids: ticketIds.slice(i, i + 500) });
  },

  async clear(m: EntityManager): Promise<void> {
    await m.query('DELETE FROM report_outcomes');
  },

  // Every row from the facts, in one statement (after a bulk load; tests use it as the reference).
  async rebuildFromFacts(m: EntityManager): Promise<number> {
    await this.clear(m);
    await m.query(deriveSql('1 = 1'));
    return Number((await m.query('SELECT COUNT(*) AS n FROM report_outcomes'))[0].n);
  },

  async listAll(m: EntityManager): Promise<Record<string, number | string | null>[]> {
    const rows: Record<string, unknown>[] = await m.query(`SELECT ${COLUMNS} FROM report_outcomes ORDER BY fact_id, kind`);
    return rows.map((r) => Object.fromEntries(COLUMNS.split(', ').map((c) => [c, r[c] === null ? null : c === 'kind' || c === 'channel' ? String(r[c]) : Number(r[c])])));
  },

  // Community questions of the period: asked, answered by the community before its end, solved,
  // and solved with no agent reply by then.
  async community(m: EntityManager, w: Window, f: FactFilters): Promise<{ asked: number; answered: number; solved: number; deflected: number }> {
    const where = filterSql(w, f);
    const [r] = await run(m, `SELECT
        SUM(CASE WHEN f.kind = 'question' THEN 1 ELSE 0 END) AS asked,
        SUM(CASE WHEN f.kind = 'question' AND f.answer_at < :to THEN 1 ELSE 0 END) AS answered,
        SUM(CASE WHEN f.kind = 'solve' THEN 1 ELSE 0 END) AS solved,
        SUM(CASE WHEN f.kind = 'solve' AND (f.answer_at IS NULL OR f.answer_at > f.at) THEN 1 ELSE 0 END) AS deflected
      FROM report_outcomes f WHERE f.kind IN ('question', 'solve') AND ${where.sql}`, where.params);
    return { asked: num(r?.asked), answered: num(r?.answered), solved: num(r?.solved), deflected: num(r?.deflected) };
  },

  // Public posts answered after a wait in the period (answer in it), and their reach × hours.
  async answered(m: EntityManager, w: Window, f: FactFilters): Promise<{ n: number; reachHours: number }> {
    const where = filterSql(w, f);
    const [r] = await run(m, `SELECT COUNT(*) AS n, SUM(COALESCE(f.reach, 0) * (f.wait_ms / 3600000.0)) AS rh FROM report_outcomes f
      WHERE f.kind = 'wait' AND ${where.sql}`, where.params);
    return { n: num(r?.n), reachHours: num(r?.rh) };
  },

  // Public posts of the period still waiting at `end`, and their reach × hours waited so far.
  async waiting(m: EntityManager, w: Window, end: number, f: FactFilters): Promise<{ n: number; reachHours: number }> {
    const where = filterSql(w, f);
    const [r] = await run(m, `SELECT COUNT(*) AS n, SUM(COALESCE(f.reach, 0) * ((:end - f.at) / 3600000.0)) AS rh FROM report_outcomes f
      WHERE ${WAITING} AND ${where.sql}`, { ...where.params, end });
    return { n: num(r?.n), reachHours: num(r?.rh) };
  },

  // The longest reach × hours among the answered ones and among those still waiting (ties: the
  // earlier fact), with the ticket's subject.
  async worst(m: EntityManager, w: Window, end: number, f: FactFilters, limit: number): Promise<{ answered: Record<string, unknown>[]; waiting: Record<string, unknown>[] }> {
    const where = filterSql(w, f);
    const cols = `f.ticket_id AS ticket_id, t.subject AS subject, f.channel AS channel, COALESCE(f.reach, 0) AS reach, f.at AS at`;
    const [answered, waiting] = await Promise.all([
      run(m, `SELECT ${cols}, f.wait_ms AS wait_ms FROM report_outcomes f JOIN tickets t ON t.id = f.ticket_id
        WHERE f.kind = 'wait' AND ${where.sql} ORDER BY COALESCE(f.reach, 0) * (f.wait_ms / 3600000.0) DESC, f.fact_id ASC LIMIT ${Math.floor(limit)}`, where.params),
      run(m, `SELECT ${cols}, (:end - f.at) AS wait_ms FROM report_outcomes f JOIN tickets t ON t.id = f.ticket_id
        WHERE ${WAITING} AND ${where.sql} ORDER BY COALESCE(f.reach, 0) * ((:end - f.at) / 3600000.0) DESC, f.fact_id ASC LIMIT ${Math.floor(limit)}`, { ...where.params, end }),
    ]);
    return { answered, waiting };
  },
};
