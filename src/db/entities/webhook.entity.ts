import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Audience } from './message.entity';
import { JsonColumn, TimeColumn } from './columns';

// An outgoing webhook: a URL subscribed to events, read as one audience (src/automation/webhooks).
@Entity('webhooks')
export class Webhook {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar' }) name!: string;
  @Column({ type: 'text' }) url!: string;
  @JsonColumn({ nullable: false }) events!: string[];
  // What the receiver may read: public content only, what participants read, or everything (notes too).
  @Column({ type: 'varchar' }) audience!: Audience;
  // Kept in clear: every delivery is signed with it (HMAC-SHA256). Shown to the admin once.
  @Column({ type: 'varchar' }) secret!: string;
  @Column({ type: 'boolean', default: true }) active!: boolean;
  @Column({ type: 'integer', name: 'created_by', nullable: true }) createdBy!: number | null;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
  @TimeColumn({ name: 'updated_at' }) updatedAt!: number;
}

export type WebhookAttemptOutcome = 'sent' | 'retrying' | 'failed';

// One try at delivering one event to one webhook: the delivery log.
@Entity('webhook_attempts')
export class WebhookAttempt {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'integer', name: 'webhook_id' }) webhookId!: number;
  @Column({ type: 'integer', name: 'outbox_item_id', nullable: true }) outboxItemId!: number | null;
  // The same on every retry of one delivery, so the receiver can drop repeats.
  @Column({ type: 'varchar', name: 'delivery_id' }) deliveryId!: string;
  @Column({ type: 'varchar' }) event!: string;
  @Column({ type: 'integer' }) attempt!: number;
  @Column({ type: 'varchar' }) outcome!: WebhookAttemptOutcome;
  @Column({ type: 'integer', name: 'status_code', nullable: true }) statusCode!: number | null;
  @Column({ type: 'integer', name: 'duration_ms' }) durationMs!: number;
  @Column({ type: 'text', nullable: true }) error!: string | null;
  @TimeColumn() at!: number;
}
