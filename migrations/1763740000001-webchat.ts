/**
 * Website chat and click-to-chat (issue 6): web-chat visitors (the identity behind a visitor
 * token; messages live in the normal contacts/chats/messages tables under identity
 * `(channel_id, external_id = visitor id)`), and tracked click-to-chat links with click counts.
 */
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class Webchat1763740000001 implements MigrationInterface {
  name = 'Webchat1763740000001';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'webchat_visitors',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'tenant_id', type: 'varchar', length: '36' },
          { name: 'channel_id', type: 'varchar', length: '36' },
          { name: 'name', type: 'varchar', length: '100', isNullable: true },
          { name: 'email', type: 'varchar', length: '254', isNullable: true },
          { name: 'created_at', type: 'bigint' },
        ],
        indices: [new TableIndex({ name: 'ix_webchat_visitors_channel', columnNames: ['channel_id', 'created_at'] })],
      }),
      true,
    );
    await q.createTable(
      new Table({
        name: 'click_links',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'tenant_id', type: 'varchar', length: '36' },
          { name: 'channel_id', type: 'varchar', length: '36' },
          { name: 'token', type: 'varchar', length: '32' },
          { name: 'text_hash', type: 'varchar', length: '64' },
          { name: 'text', type: 'text' },
          { name: 'target_url', type: 'text' },
          { name: 'clicks', type: 'int', default: 0 },
          { name: 'last_click_at', type: 'bigint', isNullable: true },
          { name: 'created_at', type: 'bigint' },
        ],
        indices: [
          new TableIndex({ name: 'uq_click_links_token', columnNames: ['token'], isUnique: true }),
          new TableIndex({ name: 'uq_click_links_channel_text', columnNames: ['channel_id', 'text_hash'], isUnique: true }),
          new TableIndex({ name: 'ix_click_links_tenant', columnNames: ['tenant_id', 'channel_id'] }),
        ],
      }),
      true,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('click_links', true);
    await q.dropTable('webchat_visitors', true);
  }
}
