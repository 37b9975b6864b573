/**
 * `ix_chats_contact (tenant_id, contact_id)`: the chats of a contact (contact panel's "previous
 * chats", `GET /api/v1/contacts/:id/chats`) and the chat list's search by contact name or phone,
 * which finds the matching contacts first and then their chats. Without it both read every chat
 * of the tenant (the unique key `(tenant_id, channel_id, contact_id)` cannot be used without the
 * channel). `contact_id` never changes, so message writes do not touch this index.
 */
import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class ChatsContactIndex1763790000001 implements MigrationInterface {
  name = 'ChatsContactIndex1763790000001';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('chats', new TableIndex({ name: 'ix_chats_contact', columnNames: ['tenant_id', 'contact_id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('chats', 'ix_chats_contact');
  }
}
