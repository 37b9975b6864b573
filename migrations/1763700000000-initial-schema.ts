/**
 * Initial schema (issue 2). Written with TypeORM's portable Table API so that SQLite and
 * MySQL/MariaDB get the same tables, columns, unique keys and indexes.
 * Conventions: ids are UUIDv7 strings (time-ordered), times are epoch milliseconds (bigint),
 * JSON is stored as text.
 */
import { Table, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

const id = (): TableColumnOptions => ({ name: 'id', type: 'varchar', length: '36', isPrimary: true });
const ref = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '36', isNullable: nullable });
const str = (name: string, length: number, nullable = false, def?: string): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
  ...(def !== undefined ? { default: `'${def}'` } : {}),
});
const ms = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable });
const int = (name: string, def = 0): TableColumnOptions => ({ name, type: 'int', default: def });

export class InitialSchema1763700000000 implements MigrationInterface {
  name = 'InitialSchema1763700000000';

  async up(q: QueryRunner): Promise<void> {
    const mysql = q.connection.options.type === 'mysql' || q.connection.options.type === 'mariadb';
    const text = (name: string, nullable = true): TableColumnOptions => ({ name, type: 'text', isNullable: nullable });
    const bigText = (name: string, nullable = true): TableColumnOptions => ({ name, type: mysql ? 'longtext' : 'text', isNullable: nullable });
    const create = (t: { name: string; columns: TableColumnOptions[]; indices?: { columnNames: string[]; isUnique?: boolean; name: string }[] }) =>
      q.createTable(new Table({ name: t.name, columns: t.columns, indices: t.indices?.map((i) => new TableIndex(i)) }), true);

    await create({
      name: 'tenants',
      columns: [id(), str('name', 200), str('plan_id', 50, false, 'default'), ms('created_at')],
    });
    await create({
      name: 'users',
      columns: [id(), ref('tenant_id'), str('name', 200), str('email', 191), str('password_hash', 255), str('role', 20), ms('created_at'), ms('updated_at')],
      indices: [
        { name: 'uq_users_email', columnNames: ['email'], isUnique: true },
        { name: 'ix_users_tenant', columnNames: ['tenant_id'] },
      ],
    });
    await create({
      name: 'funnels',
      columns: [id(), ref('tenant_id'), str('name', 200), int('position'), ms('created_at')],
      indices: [{ name: 'ix_funnels_tenant', columnNames: ['tenant_id', 'position'] }],
    });
    await create({
      name: 'stages',
      columns: [id(), ref('tenant_id'), ref('funnel_id'), str('name', 200), int('position'), ms('created_at')],
      indices: [{ name: 'ix_stages_funnel', columnNames: ['tenant_id', 'funnel_id', 'position'] }],
    });
    await create({
      name: 'channels',
      columns: [
        id(), ref('tenant_id'), str('type', 40), str('name', 200), str('status', 20), str('account_id', 191, true),
        text('config_json'), text('secrets_enc'), text('info_json'), ms('created_at'), ms('updated_at'),
      ],
      indices: [
        { name: 'uq_channels_account', columnNames: ['type', 'account_id'], isUnique: true },
        { name: 'ix_channels_tenant', columnNames: ['tenant_id', 'type'] },
      ],
    });
    await create({
      name: 'contacts',
      columns: [
        id(), ref('tenant_id'), str('name', 200, true), str('phone', 40, true), str('email', 191, true), str('username', 191, true),
        { name: 'avatar_url', type: 'varchar', length: '1000', isNullable: true }, text('attributes_json'), ms('created_at'), ms('updated_at'),
      ],
      indices: [
        { name: 'ix_contacts_tenant_phone', columnNames: ['tenant_id', 'phone'] },
        { name: 'ix_contacts_tenant_created', columnNames: ['tenant_id', 'created_at'] },
      ],
    });
    await create({
      name: 'contact_identities',
      columns: [id(), ref('tenant_id'), ref('contact_id'), ref('channel_id'), str('external_id', 191), str('phone', 40, true), str('username', 191, true), ms('created_at')],
      indices: [
        { name: 'uq_identities_channel_external', columnNames: ['channel_id', 'external_id'], isUnique: true },
        { name: 'ix_identities_contact', columnNames: ['tenant_id', 'contact_id'] },
      ],
    });
    await create({
      name: 'chats',
      columns: [
        id(), ref('tenant_id'), ref('channel_id'), ref('contact_id'), ref('assignee_id', true), str('status', 20, false, 'open'), ref('stage_id', true),
        int('unread_count'), ms('last_message_at', true), { name: 'last_message_preview', type: 'varchar', length: '500', isNullable: true },
        ms('last_inbound_at', true), str('last_inbound_external_id', 191, true), ms('created_at'), ms('updated_at'),
      ],
      indices: [
        { name: 'uq_chats_tenant_channel_contact', columnNames: ['tenant_id', 'channel_id', 'contact_id'], isUnique: true },
        { name: 'ix_chats_tenant_last', columnNames: ['tenant_id', 'last_message_at'] },
        { name: 'ix_chats_tenant_stage', columnNames: ['tenant_id', 'stage_id'] },
      ],
    });
    await create({
      name: 'tags',
      columns: [id(), ref('tenant_id'), str('name', 100), str('color', 20, false, '#64748b'), ms('created_at')],
      indices: [{ name: 'uq_tags_tenant_name', columnNames: ['tenant_id', 'name'], isUnique: true }],
    });
    await create({
      name: 'chat_tags',
      columns: [{ ...ref('chat_id'), isPrimary: true }, { ...ref('tag_id'), isPrimary: true }, ref('tenant_id')],
      indices: [{ name: 'ix_chat_tags_tag', columnNames: ['tenant_id', 'tag_id'] }],
    });
    await create({
      name: 'messages',
      columns: [
        id(), ref('tenant_id'), ref('chat_id'), ref('channel_id'), str('direction', 3), str('sender_type', 10), ref('sender_id', true),
        str('type', 20), text('text'), text('media_json'), text('content_json'), str('status', 12), text('error_json'),
        str('external_id', 191, true), str('reply_to_external_id', 191, true), ref('reaction_to_id', true),
        ms('created_at'), ms('provider_at', true), ms('sent_at', true), ms('delivered_at', true), ms('read_at', true), ms('failed_at', true),
        int('attempts'), ms('next_attempt_at', true), ms('lease_until', true),
      ],
      indices: [
        { name: 'uq_messages_channel_external', columnNames: ['channel_id', 'external_id'], isUnique: true },
        { name: 'ix_messages_chat', columnNames: ['tenant_id', 'chat_id', 'id'] },
        { name: 'ix_messages_dispatch', columnNames: ['status', 'next_attempt_at'] },
      ],
    });
    await create({
      name: 'notes',
      columns: [id(), ref('tenant_id'), ref('chat_id'), ref('author_id', true), text('text', false), ms('created_at')],
      indices: [{ name: 'ix_notes_chat', columnNames: ['tenant_id', 'chat_id'] }],
    });
    await create({
      name: 'webhook_events',
      columns: [id(), ref('tenant_id', true), ref('channel_id', true), str('channel_type', 40), bigText('payload'), ms('received_at')],
      indices: [{ name: 'ix_webhook_events_channel', columnNames: ['channel_id', 'received_at'] }],
    });
    await create({
      name: 'outbox',
      columns: [id(), ref('tenant_id', true), str('topic', 40), bigText('payload', false), int('attempts'), ms('available_at'), ms('created_at')],
      indices: [{ name: 'ix_outbox_available', columnNames: ['available_at'] }],
    });
    await create({
      name: 'media_files',
      columns: [
        id(), ref('tenant_id'), ref('message_id', true), str('mime_type', 100), { name: 'size', type: 'bigint' }, str('filename', 255, true),
        str('storage_key', 300), ms('created_at'),
      ],
      indices: [{ name: 'ix_media_tenant_message', columnNames: ['tenant_id', 'message_id'] }],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['media_files', 'outbox', 'webhook_events', 'notes', 'messages', 'chat_tags', 'tags', 'chats', 'contact_identities', 'contacts', 'channels', 'stages', 'funnels', 'users', 'tenants']) {
      await q.dropTable(t, true);
    }
  }
}
