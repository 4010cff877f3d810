import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { JsonColumn, TimeColumn } from './columns';

export const NOTIFICATION_KINDS = ['assigned', 'mention', 'reply', 'sla'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

// Something an agent should know about, shown in their bell. Staff information: only the agent
// it belongs to ever reads it.
@Entity('notifications')
export class Notification {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'integer', name: 'agent_id' }) agentId!: number;
  @Column({ type: 'varchar' }) kind!: NotificationKind;
  @Column({ type: 'integer', name: 'ticket_id', nullable: true }) ticketId!: number | null;
  @Column({ type: 'integer', name: 'message_id', nullable: true }) messageId!: number | null;
  @Column({ type: 'varchar' }) title!: string;
  @Column({ type: 'text', nullable: true }) excerpt!: string | null;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
  @TimeColumn({ name: 'read_at', nullable: true }) readAt!: number | null;
}

// Which kinds an agent also gets by e-mail (a mention is e-mailed unless they turned it off).
@Entity('notification_preferences')
export class NotificationPreference {
  @PrimaryColumn({ type: 'integer', name: 'agent_id' }) agentId!: number;
  @JsonColumn({ name: 'email_kinds', nullable: false }) emailKinds!: NotificationKind[];
  @TimeColumn({ name: 'updated_at' }) updatedAt!: number;
}
