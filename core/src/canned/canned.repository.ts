import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service.js';
import { newId } from '../database/ids.js';

/** A canned response as stored (times in epoch ms). */
export interface CannedRow {
  id: string;
  tenantId: string;
  shortcut: string;
  title: string | null;
  text: string;
  usageCount: number;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

/** Values placeholders are filled from. */
export interface PlaceholderSource {
  contact: { name: string | null; phone: string | null; email: string | null } | null;
  agent: { name: string | null; email: string | null } | null;
}

type Raw = Record<string, unknown>;
const toRow = (r: Raw): CannedRow => ({
  id: String(r.id),
  tenantId: String(r.tenant_id),
  shortcut: String(r.shortcut),
  title: (r.title as string | null) ?? null,
  text: String(r.text),
  usageCount: Number(r.usage_count),
  createdBy: (r.created_by as string | null) ?? null,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});
const COLS = 'id, tenant_id, shortcut, title, text, usage_count, created_by, created_at, updated_at';
const escapeLike = (q: string) => `%${q.replace(/[%_!]/g, (ch) => '!' + ch)}%`;

/** Canned responses of a tenant (plain SQL, same on SQLite and MySQL). Every query carries the tenant id. */
@Injectable()
export class CannedRepository {
  constructor(private readonly db: Database) {}

  /** Most used first, then by shortcut; `q` matches the shortcut prefix, title or text. */
  async list(tenantId: string, q: string | undefined): Promise<CannedRow[]> {
    const params: unknown[] = [tenantId];
    let where = 'tenant_id = ?';
    if (q) {
      where += " AND (shortcut LIKE ? ESCAPE '!' OR title LIKE ? ESCAPE '!' OR text LIKE ? ESCAPE '!')";
      params.push(`${q.replace(/[%_!]/g, (ch) => '!' + ch)}%`, escapeLike(q), escapeLike(q));
    }
    const rows: Raw[] = await this.db.manager.query(`SELECT ${COLS} FROM canned_responses WHERE ${where} ORDER BY usage_count DESC, shortcut ASC LIMIT 500`, params);
    return rows.map(toRow);
  }

  async get(tenantId: string, id: string): Promise<CannedRow | null> {
    const rows: Raw[] = await this.db.manager.query(`SELECT ${COLS} FROM canned_responses WHERE tenant_id = ? AND id = ?`, [tenantId, id]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  async findByShortcut(tenantId: string, shortcut: string): Promise<CannedRow | null> {
    const rows: Raw[] = await this.db.manager.query(`SELECT ${COLS} FROM canned_responses WHERE tenant_id = ? AND shortcut = ?`, [tenantId, shortcut]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  async insert(tenantId: string, input: { shortcut: string; title: string | null; text: string; createdBy: string }): Promise<CannedRow> {
    const now = Date.now();
    const row: CannedRow = { id: newId(), tenantId, ...input, usageCount: 0, createdAt: now, updatedAt: now };
    await this.db.transaction((m) =>
      m.query(`INSERT INTO canned_responses (${COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
        row.id, tenantId, row.shortcut, row.title, row.text, 0, row.createdBy, now, now,
      ]),
    );
    return row;
  }

  async update(tenantId: string, id: string, patch: { shortcut?: string; title?: string | null; text?: string }): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [];
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue;
      sets.push(`${k} = ?`);
      params.push(v);
    }
    sets.push('updated_at = ?');
    params.push(Date.now(), tenantId, id);
    await this.db.transaction((m) => this.db.execute(m, `UPDATE canned_responses SET ${sets.join(', ')} WHERE tenant_id = ? AND id = ?`, params));
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.db.transaction((m) => this.db.execute(m, 'DELETE FROM canned_responses WHERE tenant_id = ? AND id = ?', [tenantId, id]));
  }

  async incrementUsage(tenantId: string, id: string): Promise<void> {
    await this.db.transaction((m) => this.db.execute(m, 'UPDATE canned_responses SET usage_count = usage_count + 1 WHERE tenant_id = ? AND id = ?', [tenantId, id]));
  }

  /** Contact of a chat and the agent, for placeholders; `contact` is null when the chat is not the tenant's. */
  async placeholderSource(tenantId: string, chatId: string | undefined, userId: string): Promise<PlaceholderSource & { chatFound: boolean }> {
    const users: Raw[] = await this.db.manager.query('SELECT name, email FROM users WHERE tenant_id = ? AND id = ?', [tenantId, userId]);
    const agent = users[0] ? { name: (users[0].name as string) ?? null, email: (users[0].email as string) ?? null } : null;
    if (!chatId) return { contact: null, agent, chatFound: true };
    const rows: Raw[] = await this.db.manager.query(
      'SELECT k.name, k.phone, k.email FROM chats c JOIN contacts k ON k.id = c.contact_id AND k.tenant_id = c.tenant_id WHERE c.tenant_id = ? AND c.id = ?',
      [tenantId, chatId],
    );
    if (!rows[0]) return { contact: null, agent, chatFound: false };
    return { contact: { name: (rows[0].name as string) ?? null, phone: (rows[0].phone as string) ?? null, email: (rows[0].email as string) ?? null }, agent, chatFound: true };
  }
}
