/**
 * The chat list orders by last activity. Until now that was `COALESCE(last_message_at,
 * created_at)`, which SQLite served from an expression index but MySQL/MariaDB sorted per request
 * (filesort over every chat of the tenant: bench/inbox, docs/performance.md "Inbox").
 *
 * From here on `chats.last_message_at` is always set: a chat is created with the time of the
 * message that opened it (channels/inbound.repository.ts), and this migration backfills the
 * chats that have none with their `created_at`. The list then orders by the plain column and
 * these indexes serve the first page and each filtered first page without a sort:
 *
 * - `ix_chats_activity (tenant_id, last_message_at, id)`: no filter, unread, channel, date range;
 * - `ix_chats_status_activity (tenant_id, status, last_message_at, id)`: status;
 * - `ix_chats_assignee_activity (tenant_id, assignee_id, last_message_at, id)`: me / unassigned;
 * - `ix_chats_stage_activity (tenant_id, stage_id, last_message_at, id)`: a funnel stage (board
 *   columns); replaces `ix_chats_tenant_stage (tenant_id, stage_id)`, its prefix.
 *
 * `ix_chats_tenant_last (tenant_id, last_message_at)` and SQLite's expression index
 * `ix_chats_tenant_activity` are dropped (the first is a prefix of `ix_chats_activity`).
 * The column stays nullable (changing that would rebuild the table on SQLite).
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

const INDEXES: [string, string[]][] = [
  ['ix_chats_activity', ['tenant_id', 'last_message_at', 'id']],
  ['ix_chats_status_activity', ['tenant_id', 'status', 'last_message_at', 'id']],
  ['ix_chats_assignee_activity', ['tenant_id', 'assignee_id', 'last_message_at', 'id']],
  ['ix_chats_stage_activity', ['tenant_id', 'stage_id', 'last_message_at', 'id']],
];

export class ChatsLastActivity1763761000001 implements MigrationInterface {
  name = 'ChatsLastActivity1763761000001';

  async up(q: QueryRunner): Promise<void> {
    const sqlite = q.connection.options.type === 'better-sqlite3';
    await q.query('UPDATE chats SET last_message_at = created_at WHERE last_message_at IS NULL');
    for (const [name, cols] of INDEXES) await q.query(`CREATE INDEX ${name} ON chats (${cols.join(', ')})`);
    const drop = (name: string) => q.query(sqlite ? `DROP INDEX IF EXISTS ${name}` : `DROP INDEX ${name} ON chats`);
    if (sqlite) await drop('ix_chats_tenant_activity');
    await drop('ix_chats_tenant_last');
    await drop('ix_chats_tenant_stage');
  }

  async down(q: QueryRunner): Promise<void> {
    const sqlite = q.connection.options.type === 'better-sqlite3';
    await q.query('CREATE INDEX ix_chats_tenant_last ON chats (tenant_id, last_message_at)');
    await q.query('CREATE INDEX ix_chats_tenant_stage ON chats (tenant_id, stage_id)');
    if (sqlite) await q.query('CREATE INDEX IF NOT EXISTS ix_chats_tenant_activity ON chats (tenant_id, COALESCE(last_message_at, created_at), id)');
    for (const [name] of INDEXES) await q.query(sqlite ? `DROP INDEX IF EXISTS ${name}` : `DROP INDEX ${name} ON chats`);
  }
}
