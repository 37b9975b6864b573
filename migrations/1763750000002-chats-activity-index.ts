/**
 * The chat list orders by last activity, `COALESCE(last_message_at, created_at) DESC, id DESC`
 * (ConversationsRepository.listChats). Without an index on that expression SQLite scans and sorts
 * every chat of the tenant for each page (bench/inbox: 100,000 chats). SQLite gets an index on
 * the expression; MySQL/MariaDB are left alone (MariaDB 10.11 has no expression indexes and does
 * not match indexed virtual columns to expressions: see docs/performance.md, "Inbox").
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ChatsActivityIndex1763750000002 implements MigrationInterface {
  name = 'ChatsActivityIndex1763750000002';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'better-sqlite3') return;
    await q.query('CREATE INDEX IF NOT EXISTS ix_chats_tenant_activity ON chats (tenant_id, COALESCE(last_message_at, created_at), id)');
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'better-sqlite3') return;
    await q.query('DROP INDEX IF EXISTS ix_chats_tenant_activity');
  }
}
