/** Tenant-wide lists the inbox needs: funnels, channels, users, tags, canned responses, uploads. */
import { http, request } from '@parley/ui-kit';
import type { CannedResponse, Channel, Funnel, Page, Tag, Upload, User } from './types.js';

export const funnelsApi = { list: () => http.get<Page<Funnel>>('/api/v1/funnels') };
export const channelsApi = { list: () => http.get<Page<Channel>>('/api/v1/channels') };
export const usersApi = { list: () => http.get<Page<User>>('/api/v1/users') };

export const tagsApi = {
  list: () => http.get<Page<Tag>>('/api/v1/tags'),
  create: (name: string, color?: string) => http.post<Tag>('/api/v1/tags', { name, color }),
  patch: (id: string, patch: { name?: string; color?: string }) => http.patch<Tag>(`/api/v1/tags/${id}`, patch),
};

export const cannedApi = {
  list: (q?: string) => http.get<Page<CannedResponse>>('/api/v1/canned-responses', { q }),
  create: (input: { shortcut: string; title?: string | null; text: string }) => http.post<CannedResponse>('/api/v1/canned-responses', input),
  update: (id: string, input: { shortcut?: string; title?: string | null; text?: string }) => http.patch<CannedResponse>(`/api/v1/canned-responses/${id}`, input),
  remove: (id: string) => http.delete(`/api/v1/canned-responses/${id}`),
  render: (id: string, chatId?: string) => http.post<{ id: string; text: string; usageCount: number }>(`/api/v1/canned-responses/${id}/render`, { chatId }),
};

export const mediaApi = {
  /** Uploads a file as raw bytes; answers the signed URL to send. */
  upload: (file: File) =>
    request<Upload>('POST', '/api/v1/media', { body: file, query: { filename: file.name }, headers: { 'content-type': file.type || 'application/octet-stream' } }),
};
