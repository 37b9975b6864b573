/**
 * Post-commit work of the conversations domain (DESIGN.md §5 step 5), registered as outbox
 * handlers so that it survives a crash: realtime events for new messages, chats and status
 * changes; media downloads into Parley's storage; the dispatcher's status notifications.
 */
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { isChannelError } from '@parley/sdk';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../logging/logger.js';
import { OUTBOX_MAX_ATTEMPTS, OutboxService, type OutboxRow } from '../outbox/outbox.service.js';
import { RealtimeService } from '../realtime/realtime.service.js';
import { MediaService } from '../media/media.service.js';
import { ChannelRuntime } from '../channels/channel-runtime.js';
import { ChannelsRepository } from '../channels/channels.repository.js';
import { CONTACT_PROFILE, FLOWS_INBOUND, INBOUND_COMMITTED, MEDIA_FETCH, type InboundCommitted } from '../channels/inbound.pipeline.js';
import { OutboundDispatcher } from '../channels/outbound.dispatcher.js';
import { ChatViews } from './chat-views.js';
import { ConversationsRepository } from './conversations.repository.js';
import { ChatsService } from './chats.service.js';
import { Database } from '../database/database.service.js';
import { MessageEntity } from './conversations.entity.js';
import { FlowEngine } from '../flows/engine.js';

@Injectable()
export class PostCommitHandlers implements OnModuleInit {
  private readonly log: Logger;

  constructor(
    private readonly outbox: OutboxService,
    private readonly realtime: RealtimeService,
    private readonly repo: ConversationsRepository,
    private readonly views: ChatViews,
    private readonly media: MediaService,
    private readonly runtime: ChannelRuntime,
    private readonly channels: ChannelsRepository,
    private readonly dispatcher: OutboundDispatcher,
    private readonly db: Database,
    private readonly flows: FlowEngine,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'post-commit' });
  }

  onModuleInit(): void {
    this.outbox.on(INBOUND_COMMITTED, (p: InboundCommitted) => this.inboundCommitted(p));
    // flows have their own outbox row: a flow failure retries the flows only, never the realtime events
    this.outbox.on(FLOWS_INBOUND, (p: InboundCommitted) => this.flows.inboundCommitted(p));
    this.outbox.on(MEDIA_FETCH, async (p: { messageId: string; channelId: string; tenantId: string; providerMediaId: string }, row: OutboxRow) => {
      try {
        await this.fetchMedia(p);
      } catch (err) {
        if (row.attempts + 1 < OUTBOX_MAX_ATTEMPTS) throw err;
        await this.markMediaFailed(p.tenantId, p.messageId, err);
      }
    });
    this.outbox.on(CONTACT_PROFILE, (p: { contactId: string; channelId: string; tenantId: string; externalId: string }) => this.fetchProfile(p));
    this.dispatcher.setBuilder(ChatsService.toOutbound);
    this.dispatcher.onUpdated((ids) => void this.emitMessages(ids, 'message_updated').catch((err) => this.log.error({ err }, 'emit failed')));
  }

  /** Emits `message_created` for new messages, `message_updated` for status changes, then `chat_updated`. */
  private async inboundCommitted(p: InboundCommitted): Promise<void> {
    // nobody connected for these tenants: nothing to build
    if (p.tenantIds && !p.tenantIds.some((t) => this.realtime.hasAudience(t))) return;
    await this.emitMessages(p.messageIds, 'message_created');
    await this.emitMessages(p.statusMessageIds, 'message_updated');
    const chats = await this.repo.chatsByIds(null, p.chatIds);
    for (const chat of await this.views.chats(chats)) {
      const tenantId = chats.find((c) => c.id === chat.id)!.tenantId;
      this.realtime.emit(tenantId, 'chat_updated', { chat });
    }
  }

  private async emitMessages(ids: string[], event: 'message_created' | 'message_updated'): Promise<void> {
    if (!ids.length) return;
    for (const m of await this.repo.messagesByIds(ids)) {
      if (this.realtime.hasAudience(m.tenantId)) this.realtime.emit(m.tenantId, event, { message: this.views.message(m) });
    }
  }

  /**
   * Fills a new contact's name and picture from the channel's profile API (when it has one).
   * A picture named by provider media id (`profile.avatar`, e.g. Telegram, whose file URLs carry
   * the bot token) is downloaded with the channel's `downloadMedia` into Parley's storage, and
   * the contact's avatarUrl is Parley's signed URL of that file. Retryable download failures
   * throw (the outbox retries); permanent ones only skip the picture.
   */
  private async fetchProfile(p: { contactId: string; channelId: string; tenantId: string; externalId: string }): Promise<void> {
    const channel = await this.channels.findById(p.channelId);
    const contact = await this.repo.getContact(p.tenantId, p.contactId);
    if (!channel || !contact) return;
    const def = this.runtime.definition(channel.type);
    const ctx = this.runtime.context(channel);
    const profile = await def.getProfile?.(ctx, p.externalId);
    if (!profile) return;
    const patch: { name?: string; avatarUrl?: string } = {};
    if (!contact.name && profile.name) patch.name = profile.name;
    if (!contact.avatarUrl && profile.avatarUrl) patch.avatarUrl = profile.avatarUrl;
    else if (!contact.avatarUrl && profile.avatar?.providerMediaId && def.downloadMedia) {
      try {
        const file = await def.downloadMedia(ctx, profile.avatar.providerMediaId);
        const stored = await this.media.store(p.tenantId, { data: file.data, mimeType: file.mimeType, filename: file.filename ?? null });
        patch.avatarUrl = this.media.urlOf(p.tenantId, stored.id);
      } catch (err) {
        if (!isChannelError(err) || err.retryable) throw err;
        this.log.warn({ err, contactId: p.contactId, channelId: p.channelId }, 'profile picture download failed');
      }
    }
    if (!Object.keys(patch).length) return;
    await this.repo.updateContact(p.tenantId, p.contactId, patch);
    const chats = await this.db.manager.query('SELECT id FROM chats WHERE tenant_id = ? AND contact_id = ?', [p.tenantId, p.contactId]);
    const rows = await this.repo.chatsByIds([p.tenantId], chats.map((c: { id: string }) => c.id));
    for (const chat of await this.views.chats(rows)) this.realtime.emit(p.tenantId, 'chat_updated', { chat });
  }

  /** Last attempt failed: the message shows `media.state: "failed"` with the reason. */
  private async markMediaFailed(tenantId: string, messageId: string, err: unknown): Promise<void> {
    const msg = await this.repo.getMessage(tenantId, messageId);
    if (!msg?.media) return;
    const media = { ...msg.media, state: 'failed' as const, error: err instanceof Error ? err.message : String(err) };
    await this.db.transaction((m) => m.update(MessageEntity, { tenantId, id: messageId }, { media }));
    await this.emitMessages([messageId], 'message_updated');
  }

  /** Downloads inbound media from the provider (its URLs expire in minutes) into tenant storage. */
  private async fetchMedia(p: { messageId: string; channelId: string; tenantId: string; providerMediaId: string }): Promise<void> {
    const msg = await this.repo.getMessage(p.tenantId, p.messageId);
    if (!msg?.media || msg.media.state === 'stored') return;
    const channel = await this.channels.findById(p.channelId);
    if (!channel) return;
    const def = this.runtime.definition(channel.type);
    if (!def.downloadMedia) return;
    const file = await def.downloadMedia(this.runtime.context(channel), p.providerMediaId);
    const stored = await this.media.store(p.tenantId, { data: file.data, mimeType: file.mimeType, filename: file.filename ?? msg.media.filename, messageId: msg.id });
    const media = { ...msg.media, fileId: stored.id, state: 'stored' as const, size: msg.media.size ?? stored.size, mimeType: msg.media.mimeType ?? stored.mimeType };
    await this.db.transaction((m) => m.update(MessageEntity, { tenantId: p.tenantId, id: msg.id }, { media }));
    await this.emitMessages([msg.id], 'message_updated');
  }
}
