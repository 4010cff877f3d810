import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TimeColumn } from './columns';

@Entity('attachments')
export class Attachment {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'integer', name: 'message_id' }) messageId!: number;
  @Column({ type: 'varchar' }) filename!: string;
  @Column({ type: 'varchar', name: 'content_type' }) contentType!: string;
  @Column({ type: 'integer' }) size!: number;
  @Column({ type: 'varchar' }) sha256!: string;
  @Column({ type: 'varchar', name: 'content_id', nullable: true }) contentId!: string | null;
  @Column({ type: 'boolean', default: false }) inline!: boolean;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
}

// The bytes live in the `blobs` table (content-addressed by sha256); see blob.repository.ts.
