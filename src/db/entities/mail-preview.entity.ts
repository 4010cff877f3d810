import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TimeColumn } from './columns';

// An e-mail kept instead of sent, because no relay is configured (see src/mail-preview/).
@Entity('mail_previews')
export class MailPreview {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'text' }) recipients!: string;
  @Column({ type: 'text' }) subject!: string;
  @Column({ type: 'varchar', name: 'message_id', nullable: true }) messageId!: string | null;
  // The whole message as it would have gone to the relay (RFC 5322, CRLF lines).
  @Column({ type: 'text' }) raw!: string;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
}
