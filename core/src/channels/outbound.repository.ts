import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { Database } from '../database/database.service.js';
import { MessageEntity } from '../conversations/conversations.entity.js';

/** Everything the dispatcher needs to send one message. */
export interface SendTarget {
  message: MessageEntity;
  channelId: string;
  recipient: { externalId: string; phone: string | null };
  lastInboundExternalId: string | null;
  /** Epoch ms of the contact's last inbound message in the chat (messaging windows). */
  lastInboundAt: number | null;
}

/** Queued outbound messages: claiming with leases (multi-instance safe) and recording outcomes. */
@Injectable()
export class OutboundRepository {
  constructor(private readonly db: Database) {}

  /** Oldest queued messages (any tenant), in id (= creation) order. */
  queued(limit: number): Promise<MessageEntity[]> {
    return this.db.manager.find(MessageEntity, { where: { status: 'queued' }, order: { id: 'ASC' }, take: limit });
  }

  /** Claims a queued message until `leaseUntil` (ms); false if another worker holds it. */
  async claim(id: string, now: number, leaseUntil: number): Promise<boolean> {
    const changed = await this.db.transaction((m) =>
      this.db.execute(m, "UPDATE messages SET lease_until = ?, attempts = attempts + 1 WHERE id = ? AND status = 'queued' AND (lease_until IS NULL OR lease_until < ?)", [
        leaseUntil, id, now,
      ]),
    );
    return changed === 1;
  }

  /** Recipient identity and typing target of a message's chat. */
  async target(message: MessageEntity): Promise<SendTarget | null> {
    const rows: { external_id: string; phone: string | null; last_inbound_external_id: string | null; last_inbound_at: number | string | null }[] = await this.db.manager.query(
      `SELECT i.external_id, i.phone, c.last_inbound_external_id, c.last_inbound_at FROM chats c
       JOIN contact_identities i ON i.contact_id = c.contact_id AND i.channel_id = c.channel_id AND i.tenant_id = c.tenant_id
       WHERE c.id = ? AND c.tenant_id = ? ORDER BY i.id LIMIT 1`,
      [message.chatId, message.tenantId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      message, channelId: message.channelId, recipient: { externalId: r.external_id, phone: r.phone }, lastInboundExternalId: r.last_inbound_external_id,
      lastInboundAt: r.last_inbound_at === null ? null : Number(r.last_inbound_at),
    };
  }

  /**
   * Records the provider id of a sent message. An echo of this very send (Messenger/Instagram
   * echo webhooks carry the same id) may have been stored before the send call returned: that
   * row (outbound, no sender) is dropped so the unique (channel, external id) key keeps ours.
   */
  async markSent(id: string, externalId: string, at: number): Promise<void> {
    await this.db.transaction(async (m) => {
      const [own]: { channel_id: string }[] = await m.query('SELECT channel_id FROM messages WHERE id = ?', [id]);
      if (own) {
        await m.query("DELETE FROM messages WHERE channel_id = ? AND external_id = ? AND id <> ? AND direction = 'out' AND sender_id IS NULL", [own.channel_id, externalId, id]);
      }
      await m.query("UPDATE messages SET status = 'sent', external_id = ?, sent_at = ?, lease_until = NULL, error_json = NULL WHERE id = ? AND status = 'queued'", [externalId, at, id]);
    });
  }

  async markFailed(id: string, error: Record<string, unknown>, at: number): Promise<void> {
    await this.db.transaction((m) =>
      m.query("UPDATE messages SET status = 'failed', failed_at = ?, error_json = ?, lease_until = NULL WHERE id = ?", [at, JSON.stringify(error), id]),
    );
  }

  /** Keeps the message queued and retries it at `nextAttemptAt` (ms). */
  async reschedule(id: string, nextAttemptAt: number, error: Record<string, unknown>): Promise<void> {
    await this.db.transaction((m) =>
      m.query('UPDATE messages SET next_attempt_at = ?, lease_until = NULL, error_json = ? WHERE id = ?', [nextAttemptAt, JSON.stringify(error), id]),
    );
  }

  byIds(ids: string[]): Promise<MessageEntity[]> {
    return ids.length ? this.db.manager.findBy(MessageEntity, { id: In(ids) }) : Promise.resolve([]);
  }
}
