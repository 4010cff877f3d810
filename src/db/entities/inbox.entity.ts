import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { JsonColumn, TimeColumn } from './columns';

// What a customer's reply to a closed ticket does: reopen it, or open a new ticket linked to it.
export const CLOSED_REPLIES = ['follow-up', 'reopen'] as const;
export type ClosedReplies = (typeof CLOSED_REPLIES)[number];

export const CHANNEL_KINDS = ['api', 'email', 'webform', 'messenger', 'instagram', 'whatsapp', 'telegram', 'x', 'mastodon', 'bluesky'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

@Entity('inboxes')
export class Inbox {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar' }) name!: string;
  @Column({ type: 'varchar' }) channel!: ChannelKind;
  // Channel settings (addresses, base URLs, page ids…). Credentials live in `secret`/`settings`
  // and are never presented back after creation.
  @JsonColumn() settings!: Record<string, any> | null;
  @Column({ type: 'varchar' }) secret!: string;
  @Column({ type: 'varchar', nullable: true }) address!: string | null;
  @Column({ type: 'integer', name: 'default_team_id', nullable: true }) defaultTeamId!: number | null;
  @Column({ type: 'integer', name: 'follow_up_days', default: 30 }) followUpDays!: number;
  // Inside the follow-up window; past it a reply always opens a linked follow-up.
  @Column({ type: 'varchar', name: 'closed_replies', default: 'follow-up' }) closedReplies!: ClosedReplies;
  @Column({ type: 'boolean', name: 'round_robin', default: false }) roundRobin!: boolean;
  // Business hours its tickets' SLA clocks count (a team's calendar wins); null = around the clock.
  @Column({ type: 'integer', name: 'calendar_id', nullable: true }) calendarId!: number | null;
  // Solved tickets close by themselves after this many days (null: they stay solved).
  @Column({ type: 'integer', name: 'auto_close_days', nullable: true }) autoCloseDays!: number | null;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
}
