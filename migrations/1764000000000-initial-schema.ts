import { MigrationInterface, QueryRunner, Table, TableIndex, TableColumnOptions } from 'typeorm';

// Written with the QueryRunner API only, so the same migration runs on SQLite and Postgres.
const id: TableColumnOptions = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
const int = (name: string, nullable = false, dflt?: number): TableColumnOptions => ({ name, type: 'integer', isNullable: nullable, default: dflt });
const str = (name: string, nullable = false, dflt?: string): TableColumnOptions => ({ name, type: 'varchar', isNullable: nullable, default: dflt === undefined ? undefined : `'${dflt}'` });
const text = (name: string, nullable = true): TableColumnOptions => ({ name, type: 'text', isNullable: nullable });
const time = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable });
const bool = (name: string, dflt: boolean): TableColumnOptions => ({ name, type: 'boolean', isNullable: false, default: dflt ? 'true' : 'false' });
const idx = (columns: string[], name: string, isUnique = false) => new TableIndex({ name, columnNames: columns, isUnique });

export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    const blobType = q.connection.driver.options.type === 'postgres' ? 'bytea' : 'blob';

    await q.createTable(new Table({
      name: 'contacts',
      columns: [id, str('name'), str('avatar_url', true), int('reputation', false, 0), bool('banned', false), int('merged_into_id', true), time('created_at')],
    }));
    await q.createTable(new Table({
      name: 'identities',
      columns: [id, int('contact_id'), str('kind'), str('value'), str('handle', true), str('display_name', true), int('followers', true), bool('verified', false), time('created_at')],
      indices: [idx(['kind', 'value'], 'uq_identities_kind_value', true), idx(['contact_id'], 'ix_identities_contact')],
    }));
    await q.createTable(new Table({
      name: 'agents',
      columns: [id, str('email'), str('name'), str('password_hash', true), str('role'), bool('away', false), int('max_open', true), bool('active', true), time('created_at')],
      indices: [idx(['email'], 'uq_agents_email', true)],
    }));
    await q.createTable(new Table({ name: 'teams', columns: [id, str('name'), time('created_at')], indices: [idx(['name'], 'uq_teams_name', true)] }));
    await q.createTable(new Table({
      name: 'team_members',
      columns: [{ ...int('team_id'), isPrimary: true }, { ...int('agent_id'), isPrimary: true }],
      indices: [idx(['agent_id'], 'ix_team_members_agent')],
    }));
    await q.createTable(new Table({
      name: 'inboxes',
      columns: [id, str('name'), str('channel'), text('settings'), str('secret'), str('address', true), int('default_team_id', true), int('follow_up_days', false, 30), bool('round_robin', false), time('created_at')],
      indices: [idx(['address'], 'ix_inboxes_address')],
    }));
    await q.createTable(new Table({
      name: 'tickets',
      columns: [
        id, str('subject'), str('status'), str('priority', false, 'normal'), str('visibility', false, 'private'),
        int('requester_id'), int('assignee_id', true), int('team_id', true), int('inbox_id'), str('channel'),
        str('thread_key', true), str('snippet', true), int('message_count', false, 0), int('merged_into_id', true),
        int('follow_up_of_id', true), int('accepted_message_id', true), time('first_response_at', true), time('solved_at', true),
        time('sla_due_at', true), time('last_activity_at'), time('created_at'), time('updated_at'),
      ],
      indices: [
        // The inbox's real queries: by status (+assignee) newest activity first, per inbox, per requester.
        idx(['status', 'assignee_id', 'last_activity_at'], 'ix_tickets_status_assignee_activity'),
        idx(['status', 'last_activity_at'], 'ix_tickets_status_activity'),
        idx(['inbox_id', 'status', 'last_activity_at'], 'ix_tickets_inbox_status_activity'),
        idx(['team_id', 'status', 'last_activity_at'], 'ix_tickets_team_status_activity'),
        idx(['requester_id', 'last_activity_at'], 'ix_tickets_requester'),
        idx(['last_activity_at'], 'ix_tickets_activity'),
        idx(['visibility', 'status', 'last_activity_at'], 'ix_tickets_visibility_status_activity'),
        idx(['inbox_id', 'thread_key'], 'ix_tickets_inbox_thread_key'),
      ],
    }));
    await q.createTable(new Table({
      name: 'ticket_tags',
      columns: [{ ...int('ticket_id'), isPrimary: true }, { ...str('tag'), isPrimary: true }],
      indices: [idx(['tag', 'ticket_id'], 'ix_ticket_tags_tag')],
    }));
    await q.createTable(new Table({
      name: 'ticket_participants',
      columns: [{ ...int('ticket_id'), isPrimary: true }, { ...int('contact_id'), isPrimary: true }, str('role', false, 'cc')],
      indices: [idx(['contact_id'], 'ix_ticket_participants_contact')],
    }));
    await q.createTable(new Table({
      name: 'messages',
      columns: [
        id, int('ticket_id'), str('author_type'), int('author_contact_id', true), int('author_agent_id', true), str('channel'),
        str('direction'), str('audience'), text('text', false), text('full_text'), text('html'), str('external_id', true),
        str('email_message_id', true), str('delivery_state', true), text('delivery_error'), int('inbound_item_id', true),
        bool('hidden', false), int('score', false, 0), text('flags'), time('created_at'),
      ],
      indices: [
        idx(['ticket_id', 'id'], 'ix_messages_ticket'),
        idx(['email_message_id'], 'ix_messages_email_message_id'),
        idx(['external_id'], 'ix_messages_external_id'),
        idx(['author_contact_id'], 'ix_messages_author_contact'),
      ],
    }));
    await q.createTable(new Table({
      name: 'attachments',
      columns: [id, int('message_id'), str('filename'), str('content_type'), int('size'), str('sha256'), str('content_id', true), bool('inline', false), time('created_at')],
      indices: [idx(['message_id'], 'ix_attachments_message')],
    }));
    await q.createTable(new Table({
      name: 'blobs',
      columns: [{ name: 'sha256', type: 'varchar', isPrimary: true }, { name: 'data', type: blobType }, int('size')],
    }));
    await q.createTable(new Table({
      name: 'inbound_items',
      columns: [
        id, int('inbox_id'), str('channel'), str('idempotency_key'), str('state'), text('error'), text('raw', false), str('raw_type'),
        int('ticket_id', true), int('message_id', true), text('flags'), int('attempts', false, 0), time('received_at'), time('processed_at', true),
      ],
      indices: [idx(['idempotency_key'], 'uq_inbound_items_key', true), idx(['state', 'received_at'], 'ix_inbound_items_state')],
    }));
    await q.createTable(new Table({
      name: 'thread_links',
      columns: [id, int('message_id'), int('ticket_id'), str('rule'), text('evidence'), time('created_at')],
      indices: [idx(['message_id'], 'ix_thread_links_message'), idx(['ticket_id'], 'ix_thread_links_ticket')],
    }));
    await q.createTable(new Table({
      name: 'outbox_items',
      columns: [
        id, str('kind'), int('message_id', true), int('ticket_id', true), int('inbox_id', true), text('payload'), str('state'),
        int('attempts', false, 0), time('next_attempt_at'), time('locked_until', true), text('last_error'), str('external_id', true),
        time('created_at'), time('sent_at', true),
      ],
      indices: [idx(['state', 'next_attempt_at'], 'ix_outbox_due'), idx(['message_id'], 'ix_outbox_message')],
    }));
    await q.createTable(new Table({
      name: 'ticket_events',
      columns: [id, int('ticket_id'), str('type'), str('actor_type'), int('actor_id', true), text('data'), time('created_at')],
      indices: [idx(['ticket_id', 'id'], 'ix_ticket_events_ticket')],
    }));
    await q.createTable(new Table({
      name: 'api_tokens',
      columns: [id, int('agent_id'), str('name'), str('token_hash'), time('last_used_at', true), time('created_at')],
      indices: [idx(['token_hash'], 'uq_api_tokens_hash', true)],
    }));
    await q.createTable(new Table({
      name: 'sessions',
      columns: [{ name: 'id_hash', type: 'varchar', isPrimary: true }, int('agent_id', true), int('contact_id', true), str('csrf_token'), time('expires_at'), time('created_at')],
    }));
    await q.createTable(new Table({
      name: 'one_time_tokens',
      columns: [{ name: 'token_hash', type: 'varchar', isPrimary: true }, str('purpose'), str('subject', true), time('expires_at'), time('used_at', true), time('created_at')],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['one_time_tokens', 'sessions', 'api_tokens', 'ticket_events', 'outbox_items', 'thread_links', 'inbound_items', 'blobs',
      'attachments', 'messages', 'ticket_participants', 'ticket_tags', 'tickets', 'inboxes', 'team_members', 'teams', 'agents', 'identities', 'contacts']) {
      await q.dropTable(t, true);
    }
  }
}
