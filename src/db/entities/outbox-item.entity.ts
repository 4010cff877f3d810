import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { JsonColumn, TimeColumn } from './columns';

export type OutboxState = 'queued' | 'sent' | 'failed';

@Entity('outbox_items')
export class OutboxItem {
  @PrimaryGeneratedColumn() id!: number;
  // Which sender delivers it: 'email', 'api-callback', 'telegram', 'notification', …
  @Column({ type: 'varchar' }) kind!: string;
  // Transport and destination (src/outbox/lanes.ts): a hung destination only holds up its own lane.
  @Column({ type: 'varchar', default: '' }) lane!: string;
  @Column({ type: 'integer', name: 'message_id', nullable: true }) messageId!: number | null;
  @Column({ type: 'integer', name: 'ticket_id', nullable: true }) ticketId!: number | null;
  @Column({ type: 'integer', name: 'inbox_id', nullable: true }) inboxId!: number | null;
  @JsonColumn() payload!: Record<string, any> | null;
  @Column({ type: 'varchar' }) state!: OutboxState;
  @Column({ type: 'integer', default: 0 }) attempts!: number;
  @TimeColumn({ name: 'next_attempt_at' }) nextAttemptAt!: number;
  @TimeColumn({ name: 'locked_until', nullable: true }) lockedUntil!: number | null;
  @Column({ type: 'text', name: 'last_error', nullable: true }) lastError!: string | null;
  @Column({ type: 'varchar', name: 'external_id', nullable: true }) externalId!: string | null;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
  @TimeColumn({ name: 'sent_at', nullable: true }) sentAt!: number | null;
}
