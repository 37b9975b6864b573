/**
 * The write side of the inbound pipeline, in set-based SQL so that one transaction can store
 * hundreds of webhook events with a handful of statements (group commit, DESIGN.md §5).
 * Race safety comes from unique keys: contact_identities (channel_id, external_id),
 * chats (tenant_id, channel_id, contact_id), messages (channel_id, external_id).
 */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { InboundMessage, InboundStatus } from '@parley/sdk';
import { MEDIA_TYPES } from '@parley/sdk';
import { Database } from '../database/database.service.js';
import { newId } from '../database/ids.js';
import { previewOf } from '../conversations/preview.js';

/** A channel as the pipeline needs it. */
export interface InboundChannel {
  id: string;
  tenantId: string;
  type: string;
}

/** What one committed batch produced, for post-commit work. */
export interface InboundResult {
  /** Newly stored message ids (duplicates excluded), per tenant. */
  messageIds: string[];
  chatIds: string[];
  newChatIds: string[];
  newContactIds: string[];
  /** New contacts with the identity they were created from (for profile lookups). */
  newContacts: { contactId: string; channelId: string; tenantId: string; externalId: string }[];
  /** Ids of stored messages whose status changed. */
  statusMessageIds: string[];
  /** New media messages to download: message id + channel id + provider media id. */
  media: { messageId: string; channelId: string; tenantId: string; providerMediaId: string }[];
  tenantIds: string[];
}

const STATUS_PREDECESSORS: Record<InboundStatus['status'], string[]> = {
  sent: ['queued'],
  delivered: ['queued', 'sent'],
  read: ['queued', 'sent', 'delivered'],
  played: ['queued', 'sent', 'delivered', 'read'],
  failed: ['queued', 'sent'],
};
/** Watermark statuses only move messages that went out (not queued ones). */
const WATERMARK_PREDECESSORS: Partial<Record<InboundStatus['status'], string[]>> = {
  delivered: ['sent'],
  read: ['sent', 'delivered'],
};
const STATUS_TIME_COLUMN: Record<InboundStatus['status'], string> = {
  sent: 'sent_at',
  delivered: 'delivered_at',
  read: 'read_at',
  played: 'read_at',
  failed: 'failed_at',
};

const qs = (n: number) => Array.from({ length: n }, () => '?').join(',');
const groupBy = <T, K>(items: T[], key: (t: T) => K): Map<K, T[]> => {
  const m = new Map<K, T[]>();
  for (const i of items) {
    const k = key(i);
    const list = m.get(k);
    if (list) list.push(i);
    else m.set(k, [i]);
  }
  return m;
};

@Injectable()
export class InboundRepository {
  private readonly firstStage = new Map<string, string | null>();

  constructor(private readonly db: Database) {}

  /**
   * Stores messages, statuses and raw payloads of several webhooks in one transaction.
   * `outboxRows` are inserted in the same transaction (post-commit work).
   */
  store(
    items: { channel: InboundChannel; messages: InboundMessage[]; statuses: InboundStatus[]; rawPayload: string | null }[],
    outbox: (r: InboundResult) => { id: string; tenantId: string | null; topic: string; payload: string }[],
  ): Promise<InboundResult> {
    return this.db.transaction(async (m) => {
      const result = await this.storeIn(m, items);
      const rows = outbox(result);
      if (rows.length) {
        const now = Date.now();
        await m.query(
          this.db.insertIgnore('outbox', ['id', 'tenant_id', 'topic', 'payload', 'attempts', 'available_at', 'created_at'], rows.length),
          rows.flatMap((r) => [r.id, r.tenantId, r.topic, r.payload, 0, now + 30_000, now]),
        );
      }
      return result;
    });
  }

  private async storeIn(m: EntityManager, items: Parameters<InboundRepository['store']>[0]): Promise<InboundResult> {
    const now = Date.now();
    const result: InboundResult = { messageIds: [], chatIds: [], newChatIds: [], newContactIds: [], newContacts: [], statusMessageIds: [], media: [], tenantIds: [] };
    // de-duplicate within the batch by (channel, external id)
    const seen = new Set<string>();
    const msgs: { channel: InboundChannel; ev: InboundMessage }[] = [];
    for (const it of items) {
      for (const ev of it.messages) {
        const k = `${it.channel.id}\u0000${ev.externalId}`;
        if (!seen.has(k)) {
          seen.add(k);
          msgs.push({ channel: it.channel, ev });
        }
      }
    }
    const raws = items.filter((i) => i.rawPayload !== null);
    if (raws.length) {
      await m.query(
        this.db.insertIgnore('webhook_events', ['id', 'tenant_id', 'channel_id', 'channel_type', 'payload', 'received_at'], raws.length),
        raws.flatMap((i) => [newId(), i.channel.tenantId, i.channel.id, i.channel.type, i.rawPayload, now]),
      );
    }
    if (msgs.length) await this.storeMessages(m, msgs, now, result);
    const statuses = items.flatMap((i) => i.statuses.map((s) => ({ channel: i.channel, s })));
    if (statuses.length) await this.applyStatuses(m, statuses, result);
    result.tenantIds = [...new Set(items.map((i) => i.channel.tenantId))];
    return result;
  }

  private async storeMessages(m: EntityManager, msgs: { channel: InboundChannel; ev: InboundMessage }[], now: number, result: InboundResult) {
    // 1. contacts via identities
    const contactOf = new Map<string, string>(); // `${channelId}\0${externalId}` -> contact id
    for (const [channelId, list] of groupBy(msgs, (x) => x.channel.id)) {
      const ext = [...new Set(list.map((x) => x.ev.sender.externalId))];
      const rows: { contact_id: string; external_id: string }[] = await m.query(
        `SELECT contact_id, external_id FROM contact_identities WHERE channel_id = ? AND external_id IN (${qs(ext.length)})`,
        [channelId, ...ext],
      );
      for (const r of rows) contactOf.set(`${channelId}\u0000${r.external_id}`, r.contact_id);
    }
    const missing = new Map<string, { channel: InboundChannel; ev: InboundMessage }>();
    for (const x of msgs) {
      const k = `${x.channel.id}\u0000${x.ev.sender.externalId}`;
      if (!contactOf.has(k) && !missing.has(k)) missing.set(k, x);
    }
    if (missing.size) await this.createContacts(m, [...missing.entries()], contactOf, now, result);

    // 2. chats
    const chatOf = new Map<string, string>(); // `${channelId}\0${contactId}` -> chat id
    const tenantOf = new Map(msgs.map((x) => [x.channel.id, x.channel.tenantId]));
    const selectChats = async (channelId: string, contactIds: string[]) => {
      // (tenant_id, channel_id, contact_id) is the unique key: lead with tenant_id to use it
      const rows: { id: string; contact_id: string }[] = await m.query(
        `SELECT id, contact_id FROM chats WHERE tenant_id = ? AND channel_id = ? AND contact_id IN (${qs(contactIds.length)})`,
        [tenantOf.get(channelId), channelId, ...contactIds],
      );
      for (const r of rows) chatOf.set(`${channelId}\u0000${r.contact_id}`, r.id);
    };
    const byChannel = groupBy(msgs, (x) => x.channel.id);
    for (const [channelId, list] of byChannel) {
      await selectChats(channelId, [...new Set(list.map((x) => contactOf.get(`${channelId}\u0000${x.ev.sender.externalId}`)!))]);
    }
    const newChats: unknown[][] = [];
    const newChatKeys: { channelId: string; contactId: string; id: string }[] = [];
    for (const x of msgs) {
      const contactId = contactOf.get(`${x.channel.id}\u0000${x.ev.sender.externalId}`)!;
      const k = `${x.channel.id}\u0000${contactId}`;
      if (chatOf.has(k) || newChatKeys.some((c) => c.channelId === x.channel.id && c.contactId === contactId)) continue;
      const id = newId();
      const stageId = await this.firstStageOf(m, x.channel.tenantId);
      newChatKeys.push({ channelId: x.channel.id, contactId, id });
      // last_message_at is never null (the chat list orders by it): the opening message's time,
      // at most the batch's latest for this chat, so updateChatSummaries still sets the preview
      newChats.push([id, x.channel.tenantId, x.channel.id, contactId, null, 'open', stageId, 0, x.ev.timestamp, now, now]);
    }
    if (newChats.length) {
      const cols = ['id', 'tenant_id', 'channel_id', 'contact_id', 'assignee_id', 'status', 'stage_id', 'unread_count', 'last_message_at', 'created_at', 'updated_at'];
      await m.query(this.db.insertIgnore('chats', cols, newChats.length), newChats.flat());
      for (const [channelId, list] of groupBy(newChatKeys, (c) => c.channelId)) await selectChats(channelId, list.map((c) => c.contactId));
      for (const c of newChatKeys) if (chatOf.get(`${c.channelId}\u0000${c.contactId}`) === c.id) result.newChatIds.push(c.id);
    }

    // 3. reaction targets
    const targetOf = new Map<string, string>();
    for (const [channelId, list] of byChannel) {
      const targets = [...new Set(list.filter((x) => x.ev.reaction).map((x) => x.ev.reaction!.targetExternalId))];
      if (!targets.length) continue;
      const rows: { id: string; external_id: string }[] = await m.query(
        `SELECT id, external_id FROM messages WHERE channel_id = ? AND external_id IN (${qs(targets.length)})`,
        [channelId, ...targets],
      );
      for (const r of rows) targetOf.set(`${channelId}\u0000${r.external_id}`, r.id);
    }

    // 4. messages
    const cols = [
      'id', 'tenant_id', 'chat_id', 'channel_id', 'direction', 'sender_type', 'sender_id', 'type', 'text', 'media_json', 'content_json', 'status',
      'error_json', 'external_id', 'reply_to_external_id', 'reaction_to_id', 'created_at', 'provider_at', 'attempts',
    ];
    const rows = msgs.map((x) => {
      const ev = x.ev;
      const chatId = chatOf.get(`${x.channel.id}\u0000${contactOf.get(`${x.channel.id}\u0000${ev.sender.externalId}`)}`)!;
      // a file the host already stored (web-chat uploads) is linked as is, with no download
      const media = !ev.media ? null : ev.media.hostFileId
        ? (({ hostFileId, ...rest }) => ({ ...rest, fileId: hostFileId, state: 'stored' }))(ev.media)
        : { ...ev.media, state: ev.media.providerMediaId ? 'pending' : 'failed' };
      const content = ev.reaction ? { ...(ev.content ?? {}), reaction: ev.reaction } : (ev.content ?? null);
      const error = ev.errors?.length ? { code: 'PROVIDER_ERROR', message: ev.errors[0].title ?? 'Provider error', errors: ev.errors } : null;
      return {
        id: newId(), chatId, x,
        values: [
          null, x.channel.tenantId, chatId, x.channel.id, ev.direction, ev.direction === 'in' ? 'contact' : 'agent', null, ev.type, ev.text,
          media ? JSON.stringify(media) : null, content ? JSON.stringify(content) : null, ev.direction === 'in' ? 'received' : 'sent',
          error ? JSON.stringify(error) : null, ev.externalId, ev.replyToExternalId ?? null,
          ev.reaction ? (targetOf.get(`${x.channel.id}\u0000${ev.reaction.targetExternalId}`) ?? null) : null, now, ev.timestamp, 0,
        ],
      };
    });
    for (const r of rows) r.values[0] = r.id;
    await m.query(this.db.insertIgnore('messages', cols, rows.length), rows.flatMap((r) => r.values));
    const stored: { id: string }[] = await m.query(`SELECT id FROM messages WHERE id IN (${qs(rows.length)})`, rows.map((r) => r.id));
    const storedIds = new Set(stored.map((s) => s.id));
    const inserted = rows.filter((r) => storedIds.has(r.id));
    result.messageIds.push(...inserted.map((r) => r.id));
    for (const r of inserted) {
      const mi = r.x.ev.media;
      if (mi?.providerMediaId && !mi.hostFileId && MEDIA_TYPES.has(r.x.ev.type)) {
        result.media.push({ messageId: r.id, channelId: r.x.channel.id, tenantId: r.x.channel.tenantId, providerMediaId: mi.providerMediaId });
      }
    }
    if (inserted.length) await this.updateChatSummaries(m, inserted.map((r) => ({ chatId: r.chatId, ev: r.x.ev })), now, result);
  }

  private async createContacts(
    m: EntityManager,
    missing: [string, { channel: InboundChannel; ev: InboundMessage }][],
    contactOf: Map<string, string>,
    now: number,
    result: InboundResult,
  ) {
    // reuse a tenant contact with the same phone (one person on two numbers of the business)
    const byPhone = new Map<string, string>();
    for (const [tenantId, list] of groupBy(missing, ([, x]) => x.channel.tenantId)) {
      const phones = [...new Set(list.map(([, x]) => x.ev.sender.phone).filter((p): p is string => !!p))];
      if (!phones.length) continue;
      const rows: { id: string; phone: string }[] = await m.query(
        `SELECT id, phone FROM contacts WHERE tenant_id = ? AND phone IN (${qs(phones.length)}) ORDER BY id`,
        [tenantId, ...phones],
      );
      for (const r of rows) if (!byPhone.has(`${tenantId}\u0000${r.phone}`)) byPhone.set(`${tenantId}\u0000${r.phone}`, r.id);
    }
    const contacts: unknown[][] = [];
    const created: string[] = [];
    const origin = new Map<string, { channelId: string; tenantId: string; externalId: string }>();
    const identities: unknown[][] = [];
    for (const [, x] of missing) {
      const s = x.ev.sender;
      const phoneKey = s.phone ? `${x.channel.tenantId}\u0000${s.phone}` : null;
      let contactId = phoneKey ? byPhone.get(phoneKey) : undefined;
      if (!contactId) {
        contactId = newId();
        if (phoneKey) byPhone.set(phoneKey, contactId);
        contacts.push([contactId, x.channel.tenantId, s.name ?? null, s.phone ?? null, s.email ?? null, s.username ?? null, s.avatarUrl ?? null, now, now]);
        created.push(contactId);
        origin.set(contactId, { channelId: x.channel.id, tenantId: x.channel.tenantId, externalId: s.externalId });
      }
      identities.push([newId(), x.channel.tenantId, contactId, x.channel.id, s.externalId, s.phone ?? null, s.username ?? null, now]);
    }
    if (contacts.length) {
      await m.query(
        this.db.insertIgnore('contacts', ['id', 'tenant_id', 'name', 'phone', 'email', 'username', 'avatar_url', 'created_at', 'updated_at'], contacts.length),
        contacts.flat(),
      );
    }
    await m.query(
      this.db.insertIgnore('contact_identities', ['id', 'tenant_id', 'contact_id', 'channel_id', 'external_id', 'phone', 'username', 'created_at'], identities.length),
      identities.flat(),
    );
    for (const [channelId, list] of groupBy(missing, ([, x]) => x.channel.id)) {
      const ext = list.map(([, x]) => x.ev.sender.externalId);
      const rows: { contact_id: string; external_id: string }[] = await m.query(
        `SELECT contact_id, external_id FROM contact_identities WHERE channel_id = ? AND external_id IN (${qs(ext.length)})`,
        [channelId, ...ext],
      );
      for (const r of rows) contactOf.set(`${channelId}\u0000${r.external_id}`, r.contact_id);
    }
    // contacts created here whose identity lost a race to another instance are orphans
    const used = new Set(contactOf.values());
    const orphans = created.filter((id) => !used.has(id));
    if (orphans.length) await m.query(`DELETE FROM contacts WHERE id IN (${qs(orphans.length)})`, orphans);
    const kept = created.filter((id) => used.has(id));
    result.newContactIds.push(...kept);
    result.newContacts.push(...kept.map((contactId) => ({ contactId, ...origin.get(contactId)! })));
  }

  private async updateChatSummaries(m: EntityManager, inserted: { chatId: string; ev: InboundMessage }[], now: number, result: InboundResult) {
    type Sum = { unread: number; lastAt: number; preview: string | null; inAt: number | null; inExt: string | null };
    const sums = new Map<string, Sum>();
    for (const { chatId, ev } of inserted) {
      const s = sums.get(chatId) ?? { unread: 0, lastAt: 0, preview: null, inAt: null, inExt: null };
      if (ev.direction === 'in' && ev.type !== 'reaction') s.unread++;
      if (ev.timestamp >= s.lastAt) {
        s.lastAt = ev.timestamp;
        s.preview = previewOf(ev.type, ev.text);
      }
      if (ev.direction === 'in' && (s.inAt === null || ev.timestamp >= s.inAt)) {
        s.inAt = ev.timestamp;
        s.inExt = ev.externalId;
      }
      sums.set(chatId, s);
    }
    const ids = [...sums.keys()];
    const entries = [...sums.entries()];
    const inEntries = entries.filter(([, s]) => s.inAt !== null);
    const params: unknown[] = [];
    const caseOf = (list: [string, Sum][], cond: (s: Sum) => unknown[], then: (s: Sum) => unknown, condSql: string, elseSql: string) => {
      if (!list.length) return elseSql;
      let sql = 'CASE';
      for (const [id, s] of list) {
        sql += ` WHEN id = ? AND ${condSql} THEN ?`;
        params.push(id, ...cond(s), then(s));
      }
      return `${sql} ELSE ${elseSql} END`;
    };
    // MySQL evaluates SET left to right with updated values: columns that compare against
    // last_message_at / last_inbound_at come before those are assigned.
    const sets = [
      `unread_count = unread_count + ${caseOf(entries, () => [], (s) => s.unread, '1=1', '0')}`,
      `last_message_preview = ${caseOf(entries, (s) => [s.lastAt], (s) => s.preview, '(last_message_at IS NULL OR last_message_at <= ?)', 'last_message_preview')}`,
      `last_inbound_external_id = ${caseOf(inEntries, (s) => [s.inAt], (s) => s.inExt, '(last_inbound_at IS NULL OR last_inbound_at <= ?)', 'last_inbound_external_id')}`,
      `status = ${caseOf(inEntries, () => [], () => 'open', "status = 'resolved'", 'status')}`,
      `last_inbound_at = ${caseOf(inEntries, (s) => [s.inAt], (s) => s.inAt, '(last_inbound_at IS NULL OR last_inbound_at < ?)', 'last_inbound_at')}`,
      `last_message_at = ${caseOf(entries, (s) => [s.lastAt], (s) => s.lastAt, '(last_message_at IS NULL OR last_message_at < ?)', 'last_message_at')}`,
      'updated_at = ?',
    ];
    params.push(now, ...ids);
    await m.query(`UPDATE chats SET ${sets.join(', ')} WHERE id IN (${qs(ids.length)})`, params);
    result.chatIds.push(...ids);
  }

  private async applyStatuses(m: EntityManager, statuses: { channel: InboundChannel; s: InboundStatus }[], result: InboundResult) {
    const touched: { channelId: string; externalId: string }[] = [];
    for (const { channel, s } of statuses) {
      if (s.upToTimestamp !== undefined) {
        result.statusMessageIds.push(...(await this.applyWatermark(m, channel, s)));
        continue;
      }
      const allowed = STATUS_PREDECESSORS[s.status];
      const error = s.status === 'failed' && s.errors?.length
        ? JSON.stringify({ code: 'PROVIDER_ERROR', message: s.errors[0].title ?? 'Delivery failed', providerCode: s.errors[0].code, errors: s.errors })
        : null;
      await m.query(
        `UPDATE messages SET status = ?, ${STATUS_TIME_COLUMN[s.status]} = ?${error ? ', error_json = ?' : ''}
         WHERE channel_id = ? AND external_id = ? AND status IN (${qs(allowed.length)})`,
        [s.status, s.timestamp, ...(error ? [error] : []), channel.id, s.externalId, ...allowed],
      );
      touched.push({ channelId: channel.id, externalId: s.externalId });
    }
    for (const [channelId, list] of groupBy(touched, (t) => t.channelId)) {
      const ext = [...new Set(list.map((t) => t.externalId))];
      const rows: { id: string }[] = await m.query(`SELECT id FROM messages WHERE channel_id = ? AND external_id IN (${qs(ext.length)})`, [channelId, ...ext]);
      result.statusMessageIds.push(...rows.map((r) => r.id));
    }
  }

  /**
   * A watermark status (Messenger reads and deliveries): every outbound message of the chat with
   * the recipient, sent at or before `upToTimestamp`, moves to the status. Returns their ids.
   */
  private async applyWatermark(m: EntityManager, channel: InboundChannel, s: InboundStatus): Promise<string[]> {
    const allowed = WATERMARK_PREDECESSORS[s.status];
    if (!allowed || !s.recipientId || s.upToTimestamp === undefined) return [];
    const rows: { id: string }[] = await m.query(
      `SELECT m.id FROM contact_identities i
       JOIN chats c ON c.tenant_id = i.tenant_id AND c.channel_id = i.channel_id AND c.contact_id = i.contact_id
       JOIN messages m ON m.chat_id = c.id
       WHERE i.channel_id = ? AND i.external_id = ? AND m.tenant_id = ? AND m.direction = 'out'
         AND m.status IN (${qs(allowed.length)}) AND COALESCE(m.sent_at, m.provider_at, m.created_at) <= ?`,
      [channel.id, s.recipientId, channel.tenantId, ...allowed, s.upToTimestamp],
    );
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    await m.query(
      `UPDATE messages SET status = ?, ${STATUS_TIME_COLUMN[s.status]} = ? WHERE id IN (${qs(ids.length)}) AND status IN (${qs(allowed.length)})`,
      [s.status, s.timestamp, ...ids, ...allowed],
    );
    return ids;
  }

  private async firstStageOf(m: EntityManager, tenantId: string): Promise<string | null> {
    if (this.firstStage.has(tenantId)) return this.firstStage.get(tenantId)!;
    const rows: { id: string }[] = await m.query(
      `SELECT s.id FROM stages s JOIN funnels f ON f.id = s.funnel_id WHERE f.tenant_id = ? AND s.tenant_id = ? ORDER BY f.position, f.id, s.position, s.id LIMIT 1`,
      [tenantId, tenantId],
    );
    const id = rows[0]?.id ?? null;
    this.firstStage.set(tenantId, id);
    return id;
  }
}
