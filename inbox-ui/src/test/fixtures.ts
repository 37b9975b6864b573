/** Builders of API JSON for specs (complete objects, not casts of partial ones). */
import type { Chat, Message } from '../api/types.js';

let n = 0;
const iso = (ms: number) => new Date(ms).toISOString();

export function chat(over: Partial<Chat> = {}): Chat {
  n++;
  const at = Date.parse('2026-03-01T10:00:00Z') + n * 1000;
  return {
    id: `chat-${String(n).padStart(4, '0')}`, channelId: 'ch-1', contactId: `k-${n}`, contact: { id: `k-${n}`, name: `Customer ${n}`, phone: `+35191200${n}`, avatarUrl: null },
    assigneeId: null, status: 'open', stageId: 'st-1', tags: [], unreadCount: 0, lastMessageAt: iso(at), lastMessagePreview: 'hello', lastInboundAt: iso(at),
    createdAt: iso(at), updatedAt: iso(at), ...over,
  };
}

export function message(over: Partial<Message> = {}): Message {
  n++;
  const at = Date.parse('2026-03-01T10:00:00Z') + n * 1000;
  return {
    id: `0190${String(n).padStart(8, '0')}`, chatId: 'chat-x', channelId: 'ch-1', direction: 'in', senderType: 'contact', senderId: null, type: 'text', text: `text ${n}`,
    media: null, content: null, status: 'received', error: null, externalId: `wamid.${n}`, replyToExternalId: null, reactionToId: null, createdAt: iso(at),
    providerAt: iso(at), sentAt: null, deliveredAt: null, readAt: null, failedAt: null, ...over,
  };
}
