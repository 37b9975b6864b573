/** Public JSON shapes of chats, messages and contacts (DESIGN.md §4) and their mappers. */
import type { ChatEntity, ContactEntity, MessageEntity, StoredMedia } from './conversations.entity.js';

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export interface ContactJson {
  id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  username: string | null;
  avatarUrl: string | null;
  attributes: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface ChatJson {
  id: string;
  channelId: string;
  contactId: string;
  contact: { id: string; name: string | null; phone: string | null; avatarUrl: string | null };
  assigneeId: string | null;
  status: string;
  stageId: string | null;
  tags: string[];
  unreadCount: number;
  lastMessageAt: string | null;
  lastMessagePreview: string | null;
  /** Last customer message time: the customer-service window starts here. */
  lastInboundAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface MessageJson {
  id: string;
  chatId: string;
  channelId: string;
  direction: 'in' | 'out';
  senderType: string;
  senderId: string | null;
  type: string;
  text: string | null;
  /** Media info; `url` is Parley's own URL of the stored file (null until stored). */
  media: (StoredMedia & { url: string | null }) | null;
  content: Record<string, unknown> | null;
  status: string;
  error: unknown;
  externalId: string | null;
  replyToExternalId: string | null;
  reactionToId: string | null;
  createdAt: string;
  providerAt: string | null;
  sentAt: string | null;
  deliveredAt: string | null;
  readAt: string | null;
  failedAt: string | null;
}

export const toContactJson = (c: ContactEntity): ContactJson => ({
  id: c.id, name: c.name, phone: c.phone, email: c.email, username: c.username, avatarUrl: c.avatarUrl,
  attributes: c.attributes ?? {}, createdAt: iso(c.createdAt)!, updatedAt: iso(c.updatedAt)!,
});

export const toChatJson = (c: ChatEntity, contact: ContactEntity | null, tags: string[]): ChatJson => ({
  id: c.id,
  channelId: c.channelId,
  contactId: c.contactId,
  contact: { id: c.contactId, name: contact?.name ?? null, phone: contact?.phone ?? null, avatarUrl: contact?.avatarUrl ?? null },
  assigneeId: c.assigneeId,
  status: c.status,
  stageId: c.stageId,
  tags,
  unreadCount: c.unreadCount,
  lastMessageAt: iso(c.lastMessageAt),
  lastMessagePreview: c.lastMessagePreview,
  lastInboundAt: iso(c.lastInboundAt),
  createdAt: iso(c.createdAt)!,
  updatedAt: iso(c.updatedAt)!,
});

export const toMessageJson = (m: MessageEntity, mediaUrl: (fileId: string) => string): MessageJson => ({
  id: m.id,
  chatId: m.chatId,
  channelId: m.channelId,
  direction: m.direction,
  senderType: m.senderType,
  senderId: m.senderId,
  type: m.type,
  text: m.text,
  media: m.media ? { ...m.media, url: m.media.fileId ? mediaUrl(m.media.fileId) : null } : null,
  content: m.content,
  status: m.status,
  error: m.error,
  externalId: m.externalId,
  replyToExternalId: m.replyToExternalId,
  reactionToId: m.reactionToId,
  createdAt: iso(m.createdAt)!,
  providerAt: iso(m.providerAt),
  sentAt: iso(m.sentAt),
  deliveredAt: iso(m.deliveredAt),
  readAt: iso(m.readAt),
  failedAt: iso(m.failedAt),
});
