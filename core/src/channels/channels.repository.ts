import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service.js';
import { asRow } from '../database/columns.js';
import { ChannelEntity, type ChannelStatus } from './channel.entity.js';

/**
 * Channel rows. Queries are tenant-scoped, except {@link findByAccount} and {@link findById}
 * which the webhook router uses before any tenant is known.
 */
@Injectable()
export class ChannelsRepository {
  constructor(private readonly db: Database) {}

  list(tenantId: string): Promise<ChannelEntity[]> {
    return this.db.manager.find(ChannelEntity, { where: { tenantId }, order: { createdAt: 'ASC' } });
  }

  get(tenantId: string, id: string): Promise<ChannelEntity | null> {
    return this.db.manager.findOneBy(ChannelEntity, { tenantId, id });
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
    const row = Object.assign(new ChannelEntity(), { tenantId, ...input, createdAt: now, updatedAt: now });
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
  }
}
