import { MigrationInterface, QueryRunner } from 'typeorm';
import { EMAIL_RAW_TYPE, emailIdempotencyKey } from '../src/channels/email/email-key';

// Mail ledger keys now carry a content digest beside the Message-ID. Rows recorded under the old
// key get the new one, so a mail stored before the upgrade and delivered again after it (an IMAP
// rescan, an SMTP retry) is still recognised and lands once. It uses the live key function on
// purpose: the keys must match what the running code computes.
export class EmailContentKeys1764000012100 implements MigrationInterface {
  name = 'EmailContentKeys1764000012100';

  async up(q: QueryRunner): Promise<void> {
    const pg = q.connection.driver.options.type === 'postgres';
    const p = (n: number) => (pg ? `$${n}` : '?');
    for (let after = 0; ; ) {
      const rows: { id: number; k: string; inbox: number; raw: string }[] = await q.query(
        `SELECT id, idempotency_key AS k, inbox_id AS inbox, raw FROM inbound_items WHERE raw_type = ${p(1)} AND id > ${p(2)} ORDER BY id LIMIT 200`, [EMAIL_RAW_TYPE, after]);
      if (!rows.length) return;
      for (const r of rows) {
        const key = `${r.inbox}:${emailIdempotencyKey(Buffer.from(r.raw, 'latin1'))}`;
        if (key === r.k) continue;
        // Two old rows whose content matches (possible only without a Message-ID) keep their keys.
        const taken = await q.query(`SELECT id FROM inbound_items WHERE idempotency_key = ${p(1)}`, [key]);
        if (!taken.length) await q.query(`UPDATE inbound_items SET idempotency_key = ${p(1)} WHERE id = ${p(2)}`, [key, r.id]);
      }
      after = Number(rows[rows.length - 1].id);
    }
  }

  async down(): Promise<void> {
    // The old keys are not needed to run the old code: it only ever looks keys up for new mail.
  }
}
