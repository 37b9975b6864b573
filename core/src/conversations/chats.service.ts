import { Injectable } from '@nestjs/common';
import type { OutboundMessage } from '@parley/sdk';
import { newId } from '../database/ids.js';
import { notFound, AppError } from '../http/app-error.js';
import { toPage, type Page } from '../http/pagination.js';
import { RealtimeService } from '../realtime/realtime.service.js';
import { assertCan } from '../tenancy/abilities.js';
import type { AuthUser } from '../tenancy/auth.types.js';
import { TenancyRepository } from '../tenancy/tenancy.repository.js';
import { ChannelRuntime } from '../channels/channel-runtime.js';
import { ChannelsRepository } from '../channels/channels.repository.js';
import { OutboundDispatcher } from '../channels/outbound.dispatcher.js';
import { ChatViews } from './chat-views.js';
import { MessageEntity, type ChatEntity, type NoteEntity, type TagEntity } from './conversations.entity.js';
import { ConversationErrors } from './conversations.errors.js';
import type { ChatJson, MessageJson } from './conversations.json.js';
import { ConversationsRepository, type ChatFilter } from './conversations.repository.js';
import type { BulkChatsInput, SendMessageInput } from './dto.js';
import { previewOf } from './preview.js';
import { FlowDomainEvents } from '../flows/domain-events.js';

/** The inbox's chats and messages: listing, updating, and sending replies. */
@Injectable()
export class ChatsService {
  constructor(
    private readonly repo: ConversationsRepository,
    private readonly views: ChatViews,
    private readonly realtime: RealtimeService,
    private readonly channels: ChannelsRepository,
    private readonly runtime: ChannelRuntime,
    private readonly dispatcher: OutboundDispatcher,
    private readonly tenancy: TenancyRepository,
    private readonly flowEvents: FlowDomainEvents,
  ) {}

  /** Chats by last activity, newest first. `assigneeId=me` means the caller. */
  async list(auth: AuthUser, filter: ChatFilter, limit: number, cursor: { at: number; id: string } | null): Promise<Page<ChatJson>> {
    assertCan(auth.role, 'read', 'Chat');
    const f = { ...filter, assigneeId: filter.assigneeId === 'me' ? auth.userId : filter.assigneeId };
    const rows = await this.repo.listChats(auth.tenantId, f, limit, cursor);
    const page = toPage(rows, limit, (c) => c, (c) => ({ at: c.lastMessageAt ?? c.createdAt, id: c.id }));
    return { data: await this.views.chats(page.data), nextCursor: page.nextCursor };
  }

  /** @throws AppError NOT_FOUND (also for another tenant's chat). */
  async get(auth: AuthUser, id: string): Promise<ChatJson> {
    assertCan(auth.role, 'read', 'Chat');
    return (await this.views.chats([await this.load(auth, id)]))[0];
  }

  /**
   * Updates assignee, status, stage and tags; emits `chat_updated`. The flow events of the change
   * (assigned, status changed, tags added) are written in the change's transaction.
   * @throws AppError NOT_FOUND for an unknown chat, assignee or stage of this tenant.
   */
  async patch(auth: AuthUser, id: string, patch: { assigneeId?: string | null; status?: ChatEntity['status']; stageId?: string; tags?: string[] }): Promise<ChatJson> {
    assertCan(auth.role, 'update', 'Chat');
    await this.load(auth, id);
    if (patch.assigneeId && !(await this.tenancy.findUser(auth.tenantId, patch.assigneeId))) throw notFound('User', patch.assigneeId);
    if (patch.stageId && !(await this.repo.getStage(auth.tenantId, patch.stageId))) throw notFound('Stage', patch.stageId);
    const { tags, ...fields } = patch;
    const events = await this.repo.changeChats(auth.tenantId, [id], { fields, setTags: tags }, (m, before, after) =>
      this.flowEvents.chatsChangedIn(m, auth.tenantId, before, after, auth.userId),
    );
    this.flowEvents.deliver(events);
    const chat = await this.get(auth, id);
    this.realtime.emit(auth.tenantId, 'chat_updated', { chat });
    return chat;
  }

  /** Marks a chat read: unread count 0; emits `chat_updated` when it changed. */
  async markRead(auth: AuthUser, id: string): Promise<ChatJson> {
    assertCan(auth.role, 'read', 'Chat');
    const row = await this.load(auth, id);
    if (row.unreadCount === 0) return (await this.views.chats([row]))[0];
    await this.repo.updateChat(auth.tenantId, id, { unreadCount: 0 });
    const chat = await this.get(auth, id);
    this.realtime.emit(auth.tenantId, 'chat_updated', { chat });
    return chat;
  }

  /**
   * Applies one change (assignee, status, stage, tags added/removed) to several chats; emits
   * `chat_updated` for each, and writes their flow events in the same transaction. All ids must
   * be the tenant's chats.
   * @throws AppError NOT_FOUND listing unknown chat ids, or for an unknown assignee or stage.
   */
  async bulk(auth: AuthUser, input: BulkChatsInput): Promise<{ data: ChatJson[]; nextCursor: null }> {
    assertCan(auth.role, 'update', 'Chat');
    const ids = [...new Set(input.chatIds)];
    const found = await this.repo.chatsByIds([auth.tenantId], ids);
    if (found.length !== ids.length) {
      const have = new Set(found.map((c) => c.id));
      throw new AppError('NOT_FOUND', 'Chat not found', { resource: 'Chat', ids: ids.filter((i) => !have.has(i)) });
    }
    const assigneeId = input.assigneeId === 'me' ? auth.userId : input.assigneeId;
    if (assigneeId && !(await this.tenancy.findUser(auth.tenantId, assigneeId))) throw notFound('User', assigneeId);
    if (input.stageId && !(await this.repo.getStage(auth.tenantId, input.stageId))) throw notFound('Stage', input.stageId);
    const fields: Partial<Pick<ChatEntity, 'assigneeId' | 'status' | 'stageId'>> = {};
    if (assigneeId !== undefined) fields.assigneeId = assigneeId;
    if (input.status) fields.status = input.status;
    if (input.stageId) fields.stageId = input.stageId;
    const events = await this.repo.changeChats(auth.tenantId, ids, { fields, addTags: input.addTags, removeTags: input.removeTags }, (m, before, after) =>
      this.flowEvents.chatsChangedIn(m, auth.tenantId, before, after, auth.userId),
    );
    this.flowEvents.deliver(events);
    const chats = await this.views.chats(await this.repo.chatsByIds([auth.tenantId], ids));
    for (const chat of chats) this.realtime.emit(auth.tenantId, 'chat_updated', { chat });
    return { data: chats, nextCursor: null };
  }

  /** Internal notes of a chat, oldest first (never sent to the customer). */
  async notes(auth: AuthUser, chatId: string): Promise<{ data: NoteJson[]; nextCursor: null }> {
    assertCan(auth.role, 'read', 'Chat');
    await this.load(auth, chatId);
    const rows = await this.repo.listNotes(auth.tenantId, chatId);
    return { data: await this.noteViews(auth.tenantId, rows), nextCursor: null };
  }

  /** Adds an internal note by the caller; emits `note_created` to the tenant's agents. */
  async addNote(auth: AuthUser, chatId: string, text: string): Promise<NoteJson> {
    assertCan(auth.role, 'update', 'Chat');
    await this.load(auth, chatId);
    const row = await this.repo.addNote(auth.tenantId, chatId, auth.userId, text);
    const note = (await this.noteViews(auth.tenantId, [row]))[0];
    this.realtime.emit(auth.tenantId, 'note_created', { note });
    return note;
  }

  /** Previous (and current) chats of a contact, most recent first. */
  async chatsOfContact(auth: AuthUser, contactId: string): Promise<{ data: ChatJson[]; nextCursor: null }> {
    assertCan(auth.role, 'read', 'Chat');
    if (!(await this.repo.getContact(auth.tenantId, contactId))) throw notFound('Contact', contactId);
    return { data: await this.views.chats(await this.repo.chatsOfContact(auth.tenantId, contactId)), nextCursor: null };
  }

  /** The tenant's tags with their colours, by name. */
  async tags(auth: AuthUser): Promise<{ data: TagJson[]; nextCursor: null }> {
    assertCan(auth.role, 'read', 'Chat');
    return { data: (await this.repo.listTags(auth.tenantId)).map(tagJson), nextCursor: null };
  }

  /** Creates a tag; emits `tag_updated`. @throws AppError CONFLICT when the name exists. */
  async createTag(auth: AuthUser, input: { name: string; color?: string }): Promise<TagJson> {
    assertCan(auth.role, 'update', 'Chat');
    if (await this.repo.findTagByName(auth.tenantId, input.name)) throw new AppError('CONFLICT', 'A tag with this name exists', { name: input.name });
    const tag = tagJson(await this.repo.createTag(auth.tenantId, input.name, input.color ?? '#64748b'));
    this.realtime.emit(auth.tenantId, 'tag_updated', { tag });
    return tag;
  }

  /**
   * Renames or recolours a tag (emits `tag_updated`); chats carrying it are re-emitted
   * (`chat_updated`) after a rename.
   * @throws AppError NOT_FOUND, CONFLICT when the new name is taken.
   */
  async patchTag(auth: AuthUser, id: string, patch: { name?: string; color?: string }): Promise<TagJson> {
    assertCan(auth.role, 'update', 'Chat');
    const tag = await this.repo.getTag(auth.tenantId, id);
    if (!tag) throw notFound('Tag', id);
    if (patch.name && patch.name !== tag.name) {
      const other = await this.repo.findTagByName(auth.tenantId, patch.name);
      if (other && other.id !== id) throw new AppError('CONFLICT', 'A tag with this name exists', { name: patch.name });
    }
    await this.repo.updateTag(auth.tenantId, id, patch);
    if (patch.name && patch.name !== tag.name) {
      const chatIds = await this.repo.chatIdsWithTag(auth.tenantId, id);
      for (const chat of await this.views.chats(await this.repo.chatsByIds([auth.tenantId], chatIds.slice(0, 500)))) {
        this.realtime.emit(auth.tenantId, 'chat_updated', { chat });
      }
    }
    const json = tagJson({ ...tag, ...patch });
    this.realtime.emit(auth.tenantId, 'tag_updated', { tag: json });
    return json;
  }

  private async noteViews(tenantId: string, rows: NoteEntity[]): Promise<NoteJson[]> {
    const names = new Map<string, string | null>();
    for (const id of new Set(rows.map((r) => r.authorId).filter((x): x is string => !!x))) {
      names.set(id, (await this.tenancy.findUser(tenantId, id))?.name ?? null);
    }
    return rows.map((r) => ({
      id: r.id, chatId: r.chatId, authorId: r.authorId, authorName: r.authorId ? (names.get(r.authorId) ?? null) : null, text: r.text,
      createdAt: new Date(r.createdAt).toISOString(),
    }));
  }

  /** Messages newest first; `cursor` is opaque. */
  async messages(auth: AuthUser, chatId: string, limit: number, cursor: string | null): Promise<Page<MessageJson>> {
    assertCan(auth.role, 'read', 'Message');
    await this.load(auth, chatId);
    const rows = await this.repo.listMessages(auth.tenantId, chatId, limit, cursor);
    return toPage(rows, limit, (m) => this.views.message(m), (m) => m.id);
  }

  /**
   * Queues an agent's reply (202): stores it `queued`, makes the agent the assignee of an
   * unassigned chat, emits `message_created` and `chat_updated`, and wakes the dispatcher.
   * @throws AppError NOT_FOUND, OUTSIDE_CUSTOMER_SERVICE_WINDOW (422).
   */
  async send(auth: AuthUser, chatId: string, input: SendMessageInput): Promise<MessageJson> {
    assertCan(auth.role, 'create', 'Message');
    const chat = await this.load(auth, chatId);
    const channel = await this.channels.get(auth.tenantId, chat.channelId);
    if (!channel) throw new AppError('CONFLICT', 'The chat\'s channel was removed', { channelId: chat.channelId });
    const def = this.runtime.definition(channel.type);
    const windowMs = def.customerServiceWindowFor?.(channel.config ?? {}) ?? def.customerServiceWindowMs;
    const now = Date.now();
    if (windowMs && input.type !== 'template' && (chat.lastInboundAt === null || now - chat.lastInboundAt > windowMs)) {
      throw ConversationErrors.outsideWindow(chat.lastInboundAt, windowMs);
    }
    let replyTo: string | null = null;
    if (input.type === 'text' && input.replyToMessageId) {
      const target = await this.repo.getMessage(auth.tenantId, input.replyToMessageId);
      if (!target || target.chatId !== chatId) throw notFound('Message', input.replyToMessageId);
      replyTo = target.externalId;
    }
    const content: Record<string, unknown> | null =
      input.type === 'template' ? { template: input.template } : input.type === 'interactive' ? { interactive: input.interactive } : null;
    const text = input.type === 'text' ? input.text : input.type === 'interactive' ? input.interactive.body : 'caption' in input ? (input.caption ?? null) : null;
    const media = 'mediaId' in input || 'url' in input
      ? { providerMediaId: (input as { mediaId?: string }).mediaId, providerUrl: (input as { url?: string }).url, caption: (input as { caption?: string }).caption, filename: (input as { filename?: string }).filename }
      : null;
    const msg = Object.assign(new MessageEntity(), {
      id: newId(), tenantId: auth.tenantId, chatId, channelId: chat.channelId, direction: 'out', senderType: 'agent', senderId: auth.userId,
      type: input.type, text, media, content, status: 'queued', error: null, externalId: null, replyToExternalId: replyTo, reactionToId: null,
      createdAt: now, providerAt: null, sentAt: null, deliveredAt: null, readAt: null, failedAt: null, attempts: 0, nextAttemptAt: null, leaseUntil: null,
    } satisfies Partial<MessageEntity>);
    // the first agent to reply to an unassigned chat becomes its assignee: a chat_assigned event for flows
    const state = { id: chatId, channelId: chat.channelId, contactId: chat.contactId, status: chat.status, tags: [] as string[] };
    const events = await this.repo.insertOutbound(
      msg,
      { assigneeId: chat.assigneeId ? undefined : auth.userId, preview: previewOf(input.type, text ?? (input.type === 'template' ? input.template.name : null)) },
      (m, r) => (r.assigned ? this.flowEvents.chatsChangedIn(m, auth.tenantId, [{ ...state, assigneeId: null }], [{ ...state, assigneeId: auth.userId }], auth.userId) : Promise.resolve([])),
    );
    this.flowEvents.deliver(events ?? []);
    const json = this.views.message(msg);
    this.realtime.emit(auth.tenantId, 'message_created', { message: json });
    const updated = await this.repo.getChat(auth.tenantId, chatId);
    if (updated) this.realtime.emit(auth.tenantId, 'chat_updated', { chat: (await this.views.chats([updated]))[0] });
    this.dispatcher.kick();
    return json;
  }

  /** Builds the provider-neutral outbound message of a stored row. */
  static toOutbound(m: MessageEntity, to: OutboundMessage['to']): OutboundMessage {
    const c = m.content ?? {};
    return {
      id: m.id,
      to,
      type: m.type,
      text: m.text,
      media: m.media ? { providerMediaId: m.media.providerMediaId, url: m.media.providerUrl, caption: m.media.caption, filename: m.media.filename } : null,
      template: (c.template as OutboundMessage['template']) ?? null,
      interactive: (c.interactive as OutboundMessage['interactive']) ?? null,
      replyToExternalId: m.replyToExternalId,
    };
  }

  private async load(auth: AuthUser, id: string): Promise<ChatEntity> {
    const chat = await this.repo.getChat(auth.tenantId, id);
    if (!chat) throw notFound('Chat', id);
    return chat;
  }
}

/** An internal note on a chat. */
export interface NoteJson {
  id: string;
  chatId: string;
  authorId: string | null;
  authorName: string | null;
  text: string;
  createdAt: string;
}

/** A tag with its colour (`#rrggbb`). */
export interface TagJson {
  id: string;
  name: string;
  color: string;
}

const tagJson = (t: Pick<TagEntity, 'id' | 'name' | 'color'>): TagJson => ({ id: t.id, name: t.name, color: t.color });
