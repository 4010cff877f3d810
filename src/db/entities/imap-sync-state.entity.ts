import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimeColumn } from './columns';

@Entity('imap_sync_state')
export class ImapSyncState {
  @PrimaryColumn({ type: 'integer', name: 'inbox_id' }) inboxId!: number;
  @PrimaryColumn({ type: 'varchar' }) mailbox!: string;
  // UIDVALIDITY is a 32-bit unsigned number; kept as text to stay exact on every driver.
  @Column({ type: 'varchar', name: 'uid_validity' }) uidValidity!: string;
  @TimeColumn({ name: 'last_uid' }) lastUid!: number;
  @TimeColumn({ name: 'updated_at' }) updatedAt!: number;
}
