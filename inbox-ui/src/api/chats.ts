import { http } from '@parley/ui-kit';
import type { Chat, ChatFilters, ChatStatus, Message, Note, Page, SendBody } from './types.js';

export interface ChatPatch {
  assigneeId?: string | null;
  status?: ChatStatus;
  stageId?: string;
  tags?: string[];
}

export interface BulkChange {
  chatIds: string[];
  assigneeId?: string | null;
  status?: ChatStatus;
  stageId?: string;
  addTags?: string[];
  removeTags?: string[];
}

export const chatsApi = {
  list: (filters: ChatFilters = {}, cursor?: string | null, limit = 50) =>
    http.get<Page<Chat>>('/api/v1/chats', { ...filters, unread: filters.unread ? 'true' : undefined, cursor: cursor ?? undefined, limit }),
  get: (id: string) => http.get<Chat>(`/api/v1/chats/${id}`),
  patch: (id: string, patch: ChatPatch) => http.patch<Chat>(`/api/v1/chats/${id}`, patch),
  bulk: (change: BulkChange) => http.post<Page<Chat>>('/api/v1/chats/bulk', change),
  markRead: (id: string) => http.post<Chat>(`/api/v1/chats/${id}/read`),
  messages: (id: string, cursor?: string | null, limit = 50) => http.get<Page<Message>>(`/api/v1/chats/${id}/messages`, { cursor: cursor ?? undefined, limit }),
  send: (id: string, body: SendBody) => http.post<Message>(`/api/v1/chats/${id}/messages`, body),
  notes: (id: string) => http.get<Page<Note>>(`/api/v1/chats/${id}/notes`),
  addNote: (id: string, text: string) => http.post<Note>(`/api/v1/chats/${id}/notes`, { text }),
};
