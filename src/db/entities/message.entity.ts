import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { JsonColumn, TimeColumn } from './columns';

export const AUDIENCES = ['public', 'participants', 'staff'] as const;
export type Audience = (typeof AUDIENCES)[number];
export type AuthorType = 'contact' | 'agent' | 'system';
export type Direction = 'inbound' | 'outbound' | 'internal';
export type DeliveryState = 'queued' | 'sent' | 'failed' | 'delivered' | 'read';

@Entity('messages')
export class Message {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'integer', name: 'ticket_id' }) ticketId!: number;
  @Column({ type: 'varchar', name: 'author_type' }) authorType!: AuthorType;
  @Column({ type: 'integer', name: 'author_contact_id', nullable: true }) authorContactId!: number | null;
  @Column({ type: 'integer', name: 'author_agent_id', nullable: true }) authorAgentId!: number | null;
  // The author's name as this message arrived with it (a contact's later name does not rewrite it).
  @Column({ type: 'varchar', name: 'author_name', nullable: true }) authorName?: string | null;
  @Column({ type: 'varchar' }) channel!: string;
  @Column({ type: 'varchar' }) direction!: Direction;
  @Column({ type: 'varchar' }) audience!: Audience;
  // `text` is the visible new text; `fullText` keeps quoted history and signature when they were folded away.
  @Column({ type: 'text' }) text!: string;
  @Column({ type: 'text', name: 'full_text', nullable: true }) fullText!: string | null;
  @Column({ type: 'text', nullable: true }) html!: string | null;
  @Column({ type: 'varchar', name: 'external_id', nullable: true }) externalId!: string | null;
  @Column({ type: 'varchar', name: 'email_message_id', nullable: true }) emailMessageId!: string | null;
  @Column({ type: 'varchar', name: 'delivery_state', nullable: true }) deliveryState!: DeliveryState | null;
  @Column({ type: 'text', name: 'delivery_error', nullable: true }) deliveryError!: string | null;
  @Column({ type: 'integer', name: 'inbound_item_id', nullable: true }) inboundItemId!: number | null;
  @Column({ type: 'boolean', default: false }) hidden!: boolean;
  @Column({ type: 'integer', default: 0 }) score!: number;
  // Loop-guard and parsing facts: autoReply, bounce, bulk, loop, attachmentsNote…
  @JsonColumn() flags!: Record<string, any> | null;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
}
