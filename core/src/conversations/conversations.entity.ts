/**
 * Conversation data model: funnels and stages, contacts with per-channel identities,
 * chats, messages, tags and notes. Every row carries `tenantId`.
 */
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MediaInfo, MessageStatus, MessageType, ProviderError } from '@parley/sdk';
import { JsonColumn, MsColumn } from '../database/columns.js';

const idCol = () => PrimaryColumn({ type: 'varchar', length: 36 });
const refCol = (name: string, nullable = false) => Column({ name, type: 'varchar', length: 36, nullable });

@Entity('funnels')
export class FunnelEntity {
  @idCol() id: string;
  @refCol('tenant_id') tenantId: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'int' }) position: number;
  @MsColumn('created_at') createdAt: number;
}

@Entity('stages')
export class StageEntity {
  @idCol() id: string;
  @refCol('tenant_id') tenantId: string;
  @refCol('funnel_id') funnelId: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'int' }) position: number;
  @MsColumn('created_at') createdAt: number;
}

@Entity('contacts')
export class ContactEntity {
  @idCol() id: string;
  @refCol('tenant_id') tenantId: string;
  @Column({ type: 'varchar', length: 200, nullable: true }) name: string | null;
  @Column({ type: 'varchar', length: 40, nullable: true }) phone: string | null;
  @Column({ type: 'varchar', length: 191, nullable: true }) email: string | null;
  @Column({ type: 'varchar', length: 191, nullable: true }) username: string | null;
  @Column({ name: 'avatar_url', type: 'varchar', length: 1000, nullable: true }) avatarUrl: string | null;
  @JsonColumn('attributes_json') attributes: Record<string, unknown> | null;
  @MsColumn('created_at') createdAt: number;
  @MsColumn('updated_at') updatedAt: number;
}

/** How a contact is known on one channel (wa_id, BSUID, Telegram id...). */
@Entity('contact_identities')
export class ContactIdentityEntity {
  @idCol() id: string;
  @refCol('tenant_id') tenantId: string;
  @refCol('contact_id') contactId: string;
  @refCol('channel_id') channelId: string;
  @Column({ name: 'external_id', type: 'varchar', length: 191 }) externalId: string;
  @Column({ type: 'varchar', length: 40, nullable: true }) phone: string | null;
  @Column({ type: 'varchar', length: 191, nullable: true }) username: string | null;
  @MsColumn('created_at') createdAt: number;
}

export type ChatStatus = 'open' | 'pending' | 'resolved';

@Entity('chats')
export class ChatEntity {
  @idCol() id: string;
  @refCol('tenant_id') tenantId: string;
  @refCol('channel_id') channelId: string;
  @refCol('contact_id') contactId: string;
  @refCol('assignee_id', true) assigneeId: string | null;
  @Column({ type: 'varchar', length: 20 }) status: ChatStatus;
  @refCol('stage_id', true) stageId: string | null;
  @Column({ name: 'unread_count', type: 'int' }) unreadCount: number;
  @MsColumn('last_message_at', { nullable: true }) lastMessageAt: number | null;
  @Column({ name: 'last_message_preview', type: 'varchar', length: 500, nullable: true }) lastMessagePreview: string | null;
  @MsColumn('last_inbound_at', { nullable: true }) lastInboundAt: number | null;
  @Column({ name: 'last_inbound_external_id', type: 'varchar', length: 191, nullable: true }) lastInboundExternalId: string | null;
  @MsColumn('created_at') createdAt: number;
  @MsColumn('updated_at') updatedAt: number;
}

@Entity('tags')
export class TagEntity {
  @idCol() id: string;
  @refCol('tenant_id') tenantId: string;
  @Column({ type: 'varchar', length: 100 }) name: string;
  @Column({ type: 'varchar', length: 20 }) color: string;
  @MsColumn('created_at') createdAt: number;
}

@Entity('chat_tags')
export class ChatTagEntity {
  @PrimaryColumn({ name: 'chat_id', type: 'varchar', length: 36 }) chatId: string;
  @PrimaryColumn({ name: 'tag_id', type: 'varchar', length: 36 }) tagId: string;
  @refCol('tenant_id') tenantId: string;
}

/** Media as stored on a message: provider info plus Parley's own stored file id. */
export interface StoredMedia extends MediaInfo {
  /** Id of the stored file (media_files.id) once downloaded/uploaded. */
  fileId?: string | null;
  /** `pending` until the provider file is downloaded into Parley's storage. */
  state?: 'pending' | 'stored' | 'failed';
  /** Why the download failed (state `failed`). */
  error?: string;
}

@Entity('messages')
export class MessageEntity {
  @idCol() id: string;
  @refCol('tenant_id') tenantId: string;
  @refCol('chat_id') chatId: string;
  @refCol('channel_id') channelId: string;
  @Column({ type: 'varchar', length: 3 }) direction: 'in' | 'out';
  @Column({ name: 'sender_type', type: 'varchar', length: 10 }) senderType: 'contact' | 'agent' | 'bot' | 'system';
  @refCol('sender_id', true) senderId: string | null;
  @Column({ type: 'varchar', length: 20 }) type: MessageType;
  @Column({ type: 'text', nullable: true }) text: string | null;
  @JsonColumn('media_json') media: StoredMedia | null;
  @JsonColumn('content_json') content: Record<string, unknown> | null;
  @Column({ type: 'varchar', length: 12 }) status: MessageStatus;
  @JsonColumn('error_json') error: { code: string; message: string; providerCode?: string | number; errors?: ProviderError[] } | null;
  @Column({ name: 'external_id', type: 'varchar', length: 191, nullable: true }) externalId: string | null;
  @Column({ name: 'reply_to_external_id', type: 'varchar', length: 191, nullable: true }) replyToExternalId: string | null;
  @refCol('reaction_to_id', true) reactionToId: string | null;
  @MsColumn('created_at') createdAt: number;
  @MsColumn('provider_at', { nullable: true }) providerAt: number | null;
  @MsColumn('sent_at', { nullable: true }) sentAt: number | null;
  @MsColumn('delivered_at', { nullable: true }) deliveredAt: number | null;
  @MsColumn('read_at', { nullable: true }) readAt: number | null;
  @MsColumn('failed_at', { nullable: true }) failedAt: number | null;
  @Column({ type: 'int' }) attempts: number;
  @MsColumn('next_attempt_at', { nullable: true }) nextAttemptAt: number | null;
  @MsColumn('lease_until', { nullable: true }) leaseUntil: number | null;
}

@Entity('notes')
export class NoteEntity {
  @idCol() id: string;
  @refCol('tenant_id') tenantId: string;
  @refCol('chat_id') chatId: string;
  @refCol('author_id', true) authorId: string | null;
  @Column({ type: 'text' }) text: string;
  @MsColumn('created_at') createdAt: number;
}
