import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TimeColumn } from './columns';

export type ThreadRule = 'in-reply-to' | 'references' | 'reply-token' | 'subject-number' | 'social-conversation' | 'thread-key' | 'follow-up' | 'new' | 'agent' | 'split' | 'web' | 'bounce' | 'automation';

// Why a message joined its ticket, with the evidence (header value, token, key).
@Entity('thread_links')
export class ThreadLink {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'integer', name: 'message_id' }) messageId!: number;
  @Column({ type: 'integer', name: 'ticket_id' }) ticketId!: number;
  @Column({ type: 'varchar' }) rule!: ThreadRule;
  @Column({ type: 'text', nullable: true }) evidence!: string | null;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
}
