import { Injectable } from '@nestjs/common';
import { MediaService } from '../media/media.service.js';
import type { ChatEntity, MessageEntity } from './conversations.entity.js';
import { toChatJson, toMessageJson, type ChatJson, type MessageJson } from './conversations.json.js';
import { ConversationsRepository } from './conversations.repository.js';

/** Builds the public JSON of chats (with contact and tags) and messages (with media URLs). */
@Injectable()
export class ChatViews {
  constructor(
    private readonly repo: ConversationsRepository,
    private readonly media: MediaService,
  ) {}

  /** Chat JSON for rows of one or several tenants (contacts and tags loaded in bulk). */
  async chats(rows: ChatEntity[]): Promise<ChatJson[]> {
    if (!rows.length) return [];
    const [contacts, tags] = await Promise.all([
      this.repo.contactsByIds(null, [...new Set(rows.map((c) => c.contactId))]),
      this.repo.tagsOfChats(null, rows.map((c) => c.id)),
    ]);
    const byId = new Map(contacts.map((c) => [c.id, c]));
    return rows.map((c) => {
      const contact = byId.get(c.contactId);
      return toChatJson(c, contact && contact.tenantId === c.tenantId ? contact : null, tags.get(c.id) ?? []);
    });
  }

  message(m: MessageEntity): MessageJson {
    return toMessageJson(m, (fileId) => this.media.urlOf(m.tenantId, fileId));
  }
}
