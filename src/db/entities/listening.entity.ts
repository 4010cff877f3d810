import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { JsonColumn, TimeColumn } from './columns';

export const LISTENING_PLATFORMS = ['mastodon', 'x', 'bluesky'] as const;
export type ListeningPlatform = (typeof LISTENING_PLATFORMS)[number];
export const LISTENING_STATUSES = ['new', 'ticketed', 'dismissed', 'spam'] as const;
export type ListeningStatus = (typeof LISTENING_STATUSES)[number];

// What a stream looks for. Each platform's poller turns it into that platform's search syntax.
export interface ListeningQuery {
  keywords: string[];
  phrases: string[];
  hashtags: string[];
  exclusions: string[];
  language: string | null;
}

// Where and how a stream reaches its platform. The token is write-only: pages and the API say
// whether one is set, never what it is; it is stored sealed (src/listening/stream-secret.ts).
export interface ListeningStreamSettings {
  apiBaseUrl?: string;
  accessToken?: string;
  // The inbox whose account answers this stream's posts (its tickets land there); null: the
  // first inbox of the stream's platform.
  inboxId?: number | null;
  // Posts that become tickets by themselves: author reach at least this many followers, and/or
  // a negative sentiment score. Null/false: never automatically.
  autoTicket?: { minFollowers: number | null; negative: boolean } | null;
}

@Entity('listening_streams')
export class ListeningStream {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar' }) name!: string;
  @Column({ type: 'varchar' }) platform!: ListeningPlatform;
  @JsonColumn({ nullable: false }) query!: ListeningQuery;
  @JsonColumn() settings!: ListeningStreamSettings | null;
  @Column({ type: 'boolean', default: true }) enabled!: boolean;
  @Column({ type: 'integer', name: 'poll_seconds', default: 60 }) pollSeconds!: number;
  // The platform's since-cursor (since_id, or Bluesky's newest indexedAt seen), ours to keep.
  @Column({ type: 'text', nullable: true }) cursor!: string | null;
  @TimeColumn({ name: 'last_polled_at', nullable: true }) lastPolledAt!: number | null;
  // The last poll's failure in words for the admin ("X refused the token (HTTP 401)"); null after a good poll.
  @Column({ type: 'text', name: 'last_error', nullable: true }) lastError!: string | null;
  // Not polled before this: the regular interval, or later when the platform said Retry-After / rate limit reset.
  @TimeColumn({ name: 'next_poll_at', nullable: true }) nextPollAt!: number | null;
  @Column({ type: 'integer', name: 'created_by', nullable: true }) createdBy!: number | null;
  @TimeColumn({ name: 'created_at' }) createdAt!: number;
  @TimeColumn({ name: 'updated_at' }) updatedAt!: number;
}

// One platform post, once, whichever streams (or the mention path) found it. Its status survives
// every later poll: a dismissed or spam post is never new again.
@Entity('listening_items')
export class ListeningItem {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar' }) platform!: ListeningPlatform;
  @Column({ type: 'varchar', name: 'external_id' }) externalId!: string;
  @Column({ type: 'varchar', name: 'author_id', nullable: true }) authorId!: string | null;
  @Column({ type: 'varchar', name: 'author_handle', nullable: true }) authorHandle!: string | null;
  @Column({ type: 'varchar', name: 'author_name', nullable: true }) authorName!: string | null;
  @Column({ type: 'text', name: 'author_url', nullable: true }) authorUrl!: string | null;
  @Column({ type: 'integer', name: 'author_followers', nullable: true }) authorFollowers!: number | null;
  @Column({ type: 'text' }) text!: string;
  @Column({ type: 'varchar', nullable: true }) language!: string | null;
  @Column({ type: 'text', nullable: true }) url!: string | null;
  @TimeColumn({ name: 'posted_at' }) postedAt!: number;
  @TimeColumn({ name: 'found_at' }) foundAt!: number;
  // Null where no scorer supports the post's language (none rather than a wrong guess).
  @Column({ type: 'real', nullable: true }) sentiment!: number | null;
  @Column({ type: 'varchar', default: 'new' }) status!: ListeningStatus;
  // The view's priority order: followers, tripled for a negative post (see listeningPriority).
  @Column({ type: 'bigint', default: 0, transformer: { to: (v: number) => v, from: (v: string | number | null) => Number(v ?? 0) } }) priority!: number;
  @Column({ type: 'integer', name: 'ticket_id', nullable: true }) ticketId!: number | null;
  @JsonColumn() raw!: Record<string, any> | null;
  @TimeColumn({ name: 'updated_at' }) updatedAt!: number;
}

// Which stream found which post, with the query as it read then, so one post found by two
// streams shows both queries.
@Entity('listening_item_matches')
export class ListeningItemMatch {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'integer', name: 'item_id' }) itemId!: number;
  @Column({ type: 'integer', name: 'stream_id' }) streamId!: number;
  @Column({ type: 'text' }) query!: string;
  @TimeColumn({ name: 'matched_at' }) matchedAt!: number;
  // When this stream's auto-ticket rule was decided for the post (null: not yet; see migration 1764000040310).
  @TimeColumn({ name: 'auto_checked_at', nullable: true }) autoCheckedAt!: number | null;
  // Why the rule matched but made no ticket, in words for the agent (migration 1764000040450).
  @Column({ type: 'text', name: 'auto_note', nullable: true }) autoNote!: string | null;
}
