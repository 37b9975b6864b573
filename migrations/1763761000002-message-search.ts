/**
 * Full-text search over message text (the chat list's `q`; core/src/conversations/search.ts).
 *
 * - SQLite: `messages_fts`, an FTS5 table with external content over `messages.text`
 *   (`content_rowid` is `messages`' rowid), tokenizer `unicode61 remove_diacritics 2`, kept in
 *   sync by three triggers on `messages` (insert, delete, update of text) and filled from the
 *   existing rows with FTS5's `rebuild`. `messages` has no INTEGER PRIMARY KEY, so a `VACUUM` may
 *   renumber its rowids: after one, run `INSERT INTO messages_fts(messages_fts) VALUES('rebuild')`.
 * - MySQL/MariaDB: the InnoDB `FULLTEXT` index `ft_messages_text (text)` (building it on a large
 *   table takes a while: InnoDB adds its hidden FTS_DOC_ID column).
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The triggers that keep `messages_fts` in sync (SQLite). TypeORM's Table API rebuilds a SQLite
 * table to add or change a column (copy, drop, rename), which drops these triggers and renumbers
 * rowids: the core checks at start that they exist and, if not, recreates them and rebuilds the
 * index (ConversationsRepository.onModuleInit).
 */
export const SQLITE_TRIGGERS = [
  `CREATE TRIGGER IF NOT EXISTS messages_fts_ai AFTER INSERT ON messages WHEN new.text IS NOT NULL BEGIN
  INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text);
END`,
  `CREATE TRIGGER IF NOT EXISTS messages_fts_ad AFTER DELETE ON messages WHEN old.text IS NOT NULL BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END`,
  `CREATE TRIGGER IF NOT EXISTS messages_fts_au AFTER UPDATE OF text ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, text) SELECT 'delete', old.rowid, old.text WHERE old.text IS NOT NULL;
  INSERT INTO messages_fts (rowid, text) SELECT new.rowid, new.text WHERE new.text IS NOT NULL;
END`,
];
/** Refills `messages_fts` from `messages` (FTS5 external-content `rebuild`). */
export const SQLITE_REBUILD = "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')";

export class MessageSearch1763761000002 implements MigrationInterface {
  name = 'MessageSearch1763761000002';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'better-sqlite3') {
      await q.query('ALTER TABLE messages ADD FULLTEXT INDEX ft_messages_text (text)');
      return;
    }
    await q.query(
      "CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')",
    );
    for (const sql of SQLITE_TRIGGERS) await q.query(sql);
    await q.query(SQLITE_REBUILD);
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'better-sqlite3') {
      await q.query('ALTER TABLE messages DROP INDEX ft_messages_text');
      return;
    }
    for (const t of ['messages_fts_ai', 'messages_fts_ad', 'messages_fts_au']) await q.query(`DROP TRIGGER IF EXISTS ${t}`);
    await q.query('DROP TABLE IF EXISTS messages_fts');
  }
}
