import { MigrationInterface, QueryRunner } from 'typeorm';
import { EMAIL_RAW_TYPE, emailIdempotencyKey } from '../src/channels/email/email-key';

// Mail ledger keys now carry a content digest beside the Message-ID. Rows recorded under the old
// key get the new one, so a mail stored before the upgrade and delivered again after it (an IMAP
// rescan, an SMTP retry) is still recognised and lands once. It uses the live key function on
// purpose: the keys must match what the running code computes.
export class EmailContentKeys1764000012100 implements MigrationInterface {
  name = 'EmailContentKeys1764000012100';

  async up(q: QueryRunner): Promise<void> {
    for (let after = 0; ; ) {
      const rows: { id: number; k: string; inbox: number; raw: string }[] = await q.manager.createQueryBuilder()
        .select('i.id', 'id').addSelect('i.idempotency_key', 'k').addSelect('i.inbox_id', 'inbox').addSelect('i.raw', 'raw')
        .from('inbound_items', 'i').where('i.raw_type = :t', { t: EMAIL_RAW_TYPE }).andWhere('i.id > :after', { after })
        .orderBy('i.id', 'ASC').limit(200).getRawMany();
      if (!rows.length) return;
      for (const r of rows) {
        const key = `${r.inbox}:${emailIdempotencyKey(Buffer.from(r.raw, 'latin1'))}`;
        if (key === r.k) continue;
        // Two old rows whose content matches (possible only without a Message-ID) keep their keys.
        const taken = await q.manager.createQueryBuilder().select('i.id', 'id').from('inbound_items', 'i').where('i.idempotency_key = :key', { key }).getRawOne();
        if (!taken) await q.manager.createQueryBuilder().update('inbound_items').set({ idempotency_key: key }).where('id = :id', { id: r.id }).execute();
      }
      after = Number(rows[rows.length - 1].id);
    }
  }

  async down(): Promise<void> {
    // The old keys are not needed to run the old code: it only ever looks keys up for new mail.
  }
}
