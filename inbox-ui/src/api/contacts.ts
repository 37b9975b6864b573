import { http } from '@parley/ui-kit';
import type { Chat, Contact, Page } from './types.js';

export type ContactPatch = Partial<Pick<Contact, 'name' | 'phone' | 'email' | 'avatarUrl' | 'attributes'>>;

export const contactsApi = {
  get: (id: string) => http.get<Contact>(`/api/v1/contacts/${id}`),
  patch: (id: string, patch: ContactPatch) => http.patch<Contact>(`/api/v1/contacts/${id}`, patch),
  chats: (id: string) => http.get<Page<Chat>>(`/api/v1/contacts/${id}/chats`),
};
