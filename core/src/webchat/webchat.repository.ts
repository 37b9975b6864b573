/**
 * Web-chat and click-to-chat rows. Visitor lookups are scoped by channel (the visitor token
 * names it); click links by tenant, except {@link clickByToken} which the public redirect uses.
 */
import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service.js';
import { newId } from '../database/ids.js';
import { ChannelEntity } from '../channels/channel.entity.js';
import { MessageEntity } from '../conversations/conversations.entity.js';

export interface VisitorRow {
  id: string;
  tenantId: string;
  channelId: string;
  name: string | null;
  email: string | null;
  createdAt: number;
}

export interface ClickLinkRow {
  id: string;
  tenantId: string;
  channelId: string;
  token: string;
  text: string;
  targetUrl: string;
  clicks: number;
  lastClickAt: number | null;
  createdAt: number;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

const toClick = (r: Record<string, unknown>): ClickLinkRow => ({
  id: String(r.id), tenantId: String(r.tenant_id), channelId: String(r.channel_id), token: String(r.token), text: String(r.text),
  targetUrl: String(r.target_url), clicks: Number(r.clicks), lastClickAt: num(r.last_click_at), createdAt: Number(r.created_at),
});

@Injectable()
export class WebchatRepository {
  constructor(private readonly db: Database) {}

  /** A channel by id regardless of tenant (public visitor routes name the channel). */
  channel(id: string): Promise<ChannelEntity | null> {
    return this.db.manager.findOneBy(ChannelEntity, { id });
  }

  async createVisitor(input: Omit<VisitorRow, 'id' | 'createdAt'>): Promise<VisitorRow> {
    const row: VisitorRow = { id: newId(), createdAt: Date.now(), ...input };
    await this.db.transaction((m) =>
      m.query('INSERT INTO webchat_visitors (id, tenant_id, channel_id, name, email, created_at) VALUES (?, ?, ?, ?, ?, ?)', [row.id, row.tenantId, row.channelId, row.name, row.email, row.createdAt]),
    );
    return row;
  }

  async visitor(channelId: string, id: string): Promise<VisitorRow | null> {
    const rows: Record<string, unknown>[] = await this.db.manager.query('SELECT * FROM webchat_visitors WHERE channel_id = ? AND id = ?', [channelId, id]);
    const r = rows[0];
    return r ? { id: String(r.id), tenantId: String(r.tenant_id), channelId: String(r.channel_id), name: (r.name as string) ?? null, email: (r.email as string) ?? null, createdAt: Number(r.created_at) } : null;
  }

  /** The visitor's chat (identity `(channel, visitor id)`), or null before the first message. */
  async chatOf(tenantId: string, channelId: string, visitorId: string): Promise<string | null> {
    const rows: { id: string }[] = await this.db.manager.query(
      'SELECT c.id FROM contact_identities i JOIN chats c ON c.tenant_id = i.tenant_id AND c.channel_id = i.channel_id AND c.contact_id = i.contact_id WHERE i.channel_id = ? AND i.external_id = ? AND i.tenant_id = ?',
      [channelId, visitorId, tenantId],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Messages of a chat the visitor may see, newest first: their own, and replies that left the
   * queue (not `queued`, not `failed`). Cursor `[createdAt, id]` of the last row of a page.
   */
  async visibleMessages(tenantId: string, chatId: string, limit: number, cursor: [number, string] | null): Promise<MessageEntity[]> {
    const qb = this.db.manager
      .createQueryBuilder(MessageEntity, 'm')
      .where('m.tenantId = :tenantId AND m.chatId = :chatId', { tenantId, chatId })
      .andWhere("(m.direction = 'in' OR m.status NOT IN ('queued', 'failed'))")
      .andWhere("m.type <> 'reaction'")
      .orderBy('m.createdAt', 'DESC')
      .addOrderBy('m.id', 'DESC')
      .take(limit);
    if (cursor) qb.andWhere('(m.createdAt < :at OR (m.createdAt = :at AND m.id < :id))', { at: cursor[0], id: cursor[1] });
    return qb.getMany();
  }

  messageByExternalId(tenantId: string, channelId: string, externalId: string): Promise<MessageEntity | null> {
    return this.db.manager.findOneBy(MessageEntity, { tenantId, channelId, externalId });
  }

  /** The click link of `(channel, text)`, created on first use (race-safe by unique key). */
  async clickLink(input: { tenantId: string; channelId: string; token: string; textHash: string; text: string; targetUrl: string }): Promise<ClickLinkRow> {
    await this.db.transaction((m) =>
      m.query(this.db.insertIgnore('click_links', ['id', 'tenant_id', 'channel_id', 'token', 'text_hash', 'text', 'target_url', 'clicks', 'created_at'], 1), [
        newId(), input.tenantId, input.channelId, input.token, input.textHash, input.text, input.targetUrl, 0, Date.now(),
      ]),
    );
    const rows: Record<string, unknown>[] = await this.db.manager.query('SELECT * FROM click_links WHERE channel_id = ? AND text_hash = ? AND tenant_id = ?', [input.channelId, input.textHash, input.tenantId]);
    const row = toClick(rows[0]);
    if (row.targetUrl !== input.targetUrl) {
      // the number changed since: keep the token, follow the new number
      await this.db.transaction((m) => m.query('UPDATE click_links SET target_url = ? WHERE id = ?', [input.targetUrl, row.id]));
      row.targetUrl = input.targetUrl;
    }
    return row;
  }

  async clickLinks(tenantId: string, channelId: string): Promise<ClickLinkRow[]> {
    const rows: Record<string, unknown>[] = await this.db.manager.query('SELECT * FROM click_links WHERE tenant_id = ? AND channel_id = ? ORDER BY created_at, id', [tenantId, channelId]);
    return rows.map(toClick);
  }

  /** Counts one click (atomic increment) and returns the link, or null for an unknown token. */
  async click(token: string): Promise<ClickLinkRow | null> {
    const rows: Record<string, unknown>[] = await this.db.manager.query('SELECT * FROM click_links WHERE token = ?', [token]);
    if (!rows[0]) return null;
    const now = Date.now();
    await this.db.transaction((m) => m.query('UPDATE click_links SET clicks = clicks + 1, last_click_at = ? WHERE token = ?', [now, token]));
    const row = toClick(rows[0]);
    return { ...row, clicks: row.clicks + 1, lastClickAt: now };
  }
}
