import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service.js';
import { asRow } from '../database/columns.js';
import { ChannelEntity, type ChannelSendError, type ChannelStatus } from './channel.entity.js';

/**
 * Health bookkeeping is coalesced: per channel, `last_webhook_at` and `last_sent_at` are written
 * at most once every HEALTH_WRITE_MS (the newest value is kept in memory and merged into reads
 * on this instance), so the webhook hot path costs a map lookup, not a write.
 */
export const HEALTH_WRITE_MS = 30_000;

interface HealthMemo {
  webhookAt: number | null;
  webhookWritten: number;
  sentAt: number | null;
  sentWritten: number;
  errorWritten: number;
  errorCode: string | null;
}

/**
 * Channel rows. Queries are tenant-scoped, except {@link findByAccount} and {@link findById}
 * which the webhook router uses before any tenant is known.
 */
@Injectable()
export class ChannelsRepository {
  private readonly health = new Map<string, HealthMemo>();

  constructor(private readonly db: Database) {}

  private memo(id: string): HealthMemo {
    let h = this.health.get(id);
    if (!h) this.health.set(id, (h = { webhookAt: null, webhookWritten: 0, sentAt: null, sentWritten: 0, errorWritten: 0, errorCode: null }));
    return h;
  }

  /** Merges this instance's not-yet-written health values into a row read from the database. */
  private withHealth<T extends ChannelEntity | null>(c: T): T {
    const h = c && this.health.get(c.id);
    if (c && h) {
      if (h.webhookAt && h.webhookAt > (c.lastWebhookAt ?? 0)) c.lastWebhookAt = h.webhookAt;
      if (h.sentAt && h.sentAt > (c.lastSentAt ?? 0)) c.lastSentAt = h.sentAt;
    }
    return c;
  }

  private write(sql: string, params: unknown[]): Promise<void> {
    return this.db.transaction((m) => m.query(sql, params)).then(() => undefined);
  }

  /** Records that a webhook reached `channelId` (hot path: a write at most every HEALTH_WRITE_MS). */
  noteWebhook(channelId: string, at = Date.now()): void {
    const h = this.memo(channelId);
    h.webhookAt = at;
    if (at - h.webhookWritten < HEALTH_WRITE_MS) return;
    h.webhookWritten = at;
    this.write('UPDATE channels SET last_webhook_at = ? WHERE id = ? AND (last_webhook_at IS NULL OR last_webhook_at < ?)', [at, channelId, at]).catch(() => {
      h.webhookWritten = 0;
    });
  }

  /** Records a successful send (a write at most every HEALTH_WRITE_MS; clears the last error once). */
  noteSent(channelId: string, at = Date.now()): void {
    const h = this.memo(channelId);
    h.sentAt = at;
    const clearError = h.errorCode !== null;
    if (!clearError && at - h.sentWritten < HEALTH_WRITE_MS) return;
    h.sentWritten = at;
    h.errorCode = null;
    this.write('UPDATE channels SET last_sent_at = ? WHERE id = ?', [at, channelId]).catch(() => {
      h.sentWritten = 0;
    });
  }

  /**
   * Records a send error; the same code is written at most every HEALTH_WRITE_MS / 6. With
   * `needsAttention` (the provider refused the credentials) a connected or paused channel becomes `error`.
   */
  async noteSendError(channelId: string, error: ChannelSendError, needsAttention = false): Promise<void> {
    const h = this.memo(channelId);
    if (!needsAttention && h.errorCode === error.code && error.at - h.errorWritten < HEALTH_WRITE_MS / 6) return;
    h.errorCode = error.code;
    h.errorWritten = error.at;
    if (needsAttention) {
      await this.write("UPDATE channels SET last_send_error_json = ?, status = 'error', updated_at = ? WHERE id = ? AND status IN ('connected', 'paused', 'error')", [JSON.stringify(error), error.at, channelId]);
    } else {
      await this.write('UPDATE channels SET last_send_error_json = ? WHERE id = ?', [JSON.stringify(error), channelId]);
    }
  }

  /** Renames, changes the status, and/or replaces config and secrets (reconnect: also clears the last error). */
  async update(tenantId: string, id: string, patch: { name?: string; status?: ChannelStatus; config?: Record<string, unknown>; secretsEnc?: string; info?: Record<string, unknown> | null; clearError?: boolean }): Promise<ChannelEntity | null> {
    const { clearError, ...fields } = patch;
    const set: Partial<ChannelEntity> = { ...fields, updatedAt: Date.now() };
    if (clearError) {
      set.lastSendError = null;
      this.memo(id).errorCode = null;
    }
    await this.db.transaction((m) => m.update(ChannelEntity, { tenantId, id }, set as any));
    return this.get(tenantId, id);
  }

  /** Channels per type of a tenant (plan usage). */
  async countByType(tenantId: string): Promise<Record<string, number>> {
    const rows: { type: string; n: number | string }[] = await this.db.manager.query('SELECT type, COUNT(*) AS n FROM channels WHERE tenant_id = ? GROUP BY type', [tenantId]);
    return Object.fromEntries(rows.map((r) => [r.type, Number(r.n)]));
  }

  async list(tenantId: string): Promise<ChannelEntity[]> {
    return (await this.db.manager.find(ChannelEntity, { where: { tenantId }, order: { createdAt: 'ASC' } })).map((c) => this.withHealth(c));
  }

  async get(tenantId: string, id: string): Promise<ChannelEntity | null> {
    return this.withHealth(await this.db.manager.findOneBy(ChannelEntity, { tenantId, id }));
  }

  /** Webhook routing: the channel of `type` connected with provider account `accountId`. */
  findByAccount(type: string, accountId: string): Promise<ChannelEntity | null> {
    return this.db.manager.findOneBy(ChannelEntity, { type, accountId });
  }

  /** Webhook routing for per-channel URLs. */
  findById(id: string): Promise<ChannelEntity | null> {
    return this.db.manager.findOneBy(ChannelEntity, { id });
  }

  /**
   * Inserts a channel after `check(countOfType)` passes, both in one transaction (so plan
   * limits hold under concurrent creates on SQLite; MySQL gets a best-effort check).
   */
  async create(
    tenantId: string,
    input: { id: string; type: string; name: string; status: ChannelStatus; accountId: string; config: Record<string, unknown>; secretsEnc: string; info: Record<string, unknown> | null },
    check: (countOfType: number) => void,
  ): Promise<ChannelEntity> {
    const now = Date.now();
    const row = Object.assign(new ChannelEntity(), { tenantId, ...input, createdAt: now, updatedAt: now, lastWebhookAt: null, lastSentAt: null, lastSendError: null });
    await this.db.transaction(async (m) => {
      check(await m.countBy(ChannelEntity, { tenantId, type: input.type }));
      await m.insert(ChannelEntity, asRow(row));
    });
    return row;
  }

  async setStatus(tenantId: string, id: string, status: ChannelStatus): Promise<void> {
    await this.db.transaction((m) => m.update(ChannelEntity, { tenantId, id }, { status, updatedAt: Date.now() }));
  }

  async remove(tenantId: string, id: string): Promise<void> {
    await this.db.transaction((m) => m.delete(ChannelEntity, { tenantId, id }));
    this.health.delete(id);
  }
}
