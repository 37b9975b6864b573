/** Public JSON shapes of the Parley API the inbox uses (docs/api.md, docs/inbox.md). */

// the session shapes are shared with the builder
import type { Session, Tenant, User } from '@parley/ui-kit';
export type { Session, Tenant, User };

export type ChatStatus = 'open' | 'pending' | 'resolved';
export type MessageStatus = 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'played' | 'failed';
export type MessageType =
  | 'text' | 'image' | 'audio' | 'video' | 'document' | 'sticker' | 'location' | 'contacts'
  | 'interactive' | 'button' | 'template' | 'reaction' | 'system' | 'unsupported';

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface Chat {
  id: string;
  channelId: string;
  contactId: string;
  contact: { id: string; name: string | null; phone: string | null; avatarUrl: string | null };
  assigneeId: string | null;
  status: ChatStatus;
  stageId: string | null;
  tags: string[];
  unreadCount: number;
  lastMessageAt: string | null;
  lastMessagePreview: string | null;
  lastInboundAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Media {
  providerMediaId?: string | null;
  providerUrl?: string | null;
  mimeType?: string | null;
  size?: number | null;
  caption?: string | null;
  filename?: string | null;
  voice?: boolean;
  animated?: boolean;
  state?: 'pending' | 'stored' | 'failed';
  error?: string;
  fileId?: string | null;
  url: string | null;
}

export interface MessageError {
  code: string;
  message: string;
  providerCode?: string | number;
  providerMessage?: string;
}

export interface Message {
  id: string;
  chatId: string;
  channelId: string;
  direction: 'in' | 'out';
  senderType: 'contact' | 'agent' | 'bot' | 'system';
  senderId: string | null;
  type: MessageType;
  text: string | null;
  media: Media | null;
  content: Record<string, any> | null;
  status: MessageStatus;
  error: MessageError | null;
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

export interface Contact {
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

export interface Stage {
  id: string;
  name: string;
  position: number;
}

export interface Funnel {
  id: string;
  name: string;
  position: number;
  stages: Stage[];
}

export interface Channel {
  id: string;
  type: string;
  name: string;
  status: string;
}

export interface Tag {
  id: string;
  name: string;
  color: string;
}

export interface Note {
  id: string;
  chatId: string;
  authorId: string | null;
  authorName: string | null;
  text: string;
  createdAt: string;
}

export interface CannedResponse {
  id: string;
  shortcut: string;
  title: string | null;
  text: string;
  usageCount: number;
}

export interface Upload {
  id: string;
  url: string;
  mimeType: string;
  size: number;
  filename: string | null;
  kind: 'image' | 'audio' | 'video' | 'document' | 'sticker';
}

/** Filters of the chat list (`GET /api/v1/chats`). */
export interface ChatFilters {
  status?: ChatStatus;
  /** A user id, `me` or `none`. */
  assigneeId?: string;
  tag?: string;
  channelId?: string;
  stageId?: string;
  q?: string;
  unread?: boolean;
  from?: string;
  to?: string;
}

export type SendBody =
  | { type: 'text'; text: string; replyToMessageId?: string }
  | { type: 'image' | 'audio' | 'video' | 'document' | 'sticker'; url: string; caption?: string; filename?: string }
  /** A provider message template (WhatsApp: allowed outside the 24-hour window); see utils/templates.ts. */
  | { type: 'template'; template: { name: string; language: string; components?: Record<string, unknown>[] } };
