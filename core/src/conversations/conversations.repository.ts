import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { Database } from '../database/database.service.js';
import { newId } from '../database/ids.js';
import { asRow } from '../database/columns.js';
import {
  ChatEntity, ChatTagEntity, ContactEntity, FunnelEntity, MessageEntity, NoteEntity, StageEntity, TagEntity, type ChatStatus,
} from './conversations.entity.js';
import { fts5Query, innodbQuery, likePattern, searchWords } from './search.js';
import { SQLITE_REBUILD, SQLITE_TRIGGERS } from '../../../migrations/1763761000002-message-search.js';

/** Filters of the chat list (DESIGN.md §4). */
export interface ChatFilter {
  status?: ChatStatus;
  /** A user id, or `none` for unassigned. */
  assigneeId?: string;
  tag?: string;
  channelId?: string;
  stageId?: string;
  q?: string;
  /** Only chats with unread messages. */
  unread?: boolean;
  /** Last activity in [from, to) (epoch ms). */
  from?: number;
  to?: number;
}

/** What the flow events need of a chat (its tags by name), read inside a change's transaction. */
export interface ChatState {
  id: string;
  channelId: string;
  contactId: string;
  assigneeId: string | null;
  status: string;
  tags: string[];
}

/** One change applied to several chats: fields, and tags replaced (`setTags`) or added / removed. */
export interface ChatsChange {
  fields?: Partial<Pick<ChatEntity, 'assigneeId' | 'status' | 'stageId'>>;
  setTags?: string[];
  addTags?: string[];
  removeTags?: string[];
}

/** Chats, messages, contacts, tags and funnels. Every query is scoped by `tenantId`. */
@Injectable()
export class ConversationsRepository implements OnModuleInit {
  private readonly log = new Logger('ConversationsRepository');
  /**
   * How message search picks its plan (chatsWithMessageMatching); tests lower them to run both plans.
   * `frequentMatches`: SQLite, FTS5 matches from which words count as common;
   * `walkWindow`: MySQL/MariaDB, chats walked with REGEXP before the FULLTEXT index is asked;
   * `contactIds`: contacts matching by name/phone up to which their chats are read by contact.
   */
  readonly searchTuning = { frequentMatches: 5000, walkWindow: 1000, contactIds: 2000 };
  constructor(private readonly db: Database) {}

  /**
   * SQLite: makes sure the triggers that keep `messages_fts` in sync exist; a later migration that
   * rebuilt `messages` through TypeORM's Table API drops them (and renumbers rowids), so they are
   * recreated and the index rebuilt.
   */
  async onModuleInit(): Promise<void> {
    if (this.db.dialect !== 'sqlite') return;
    const rows: { n: number }[] = await this.db.manager.query(
      "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'messages' AND name LIKE 'messages_fts_%'",
    );
    if (Number(rows[0]?.n) === SQLITE_TRIGGERS.length) return;
    this.log.warn('messages_fts triggers missing: recreating them and rebuilding the search index');
    await this.db.transaction(async (m) => {
      for (const sql of SQLITE_TRIGGERS) await m.query(sql);
      await m.query(SQLITE_REBUILD);
    });
  }

  get manager(): EntityManager {
    return this.db.manager;
  }

  // ---- chats
  getChat(tenantId: string, id: string): Promise<ChatEntity | null> {
    return this.db.manager.findOneBy(ChatEntity, { tenantId, id });
  }

  chatsByIds(tenantIds: string[] | null, ids: string[]): Promise<ChatEntity[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.db.manager.findBy(ChatEntity, tenantIds ? { id: In(ids), tenantId: In(tenantIds) } : { id: In(ids) });
  }

  /**
   * Chats ordered by last activity (`last_message_at DESC, id DESC`), `limit + 1` rows for paging.
   * With `q`: chats whose contact's name or phone contains it, or with a message matching its
   * words (full text: see search.ts). The two kinds are separate queries, each walking the same
   * order, merged here: each is a plain semi-join the planners serve from their indexes, where
   * an `OR` of both would be checked chat by chat.
   */
  async listChats(tenantId: string, f: ChatFilter, limit: number, cursor: { at: number; id: string } | null): Promise<ChatEntity[]> {
    if (!f.q) return this.chatsQuery(tenantId, f, limit, cursor).getMany();
    const [a, b] = await Promise.all([this.chatsOfContactsMatching(tenantId, f, f.q, limit, cursor), this.chatsWithMessageMatching(tenantId, f, f.q, limit, cursor)]);
    const seen = new Set<string>();
    return [...a, ...b]
      .filter((c) => !seen.has(c.id) && seen.add(c.id))
      .sort((x, y) => (y.lastMessageAt ?? 0) - (x.lastMessageAt ?? 0) || (y.id < x.id ? -1 : y.id > x.id ? 1 : 0))
      .slice(0, limit + 1);
  }

  /**
   * Chats (list order, filters, cursor) whose contact's name or phone contains `q`. The matching
   * contacts are read first (one scan of the tenant's contacts); up to
   * `searchTuning.contactIds` of them, their chats are read through `ix_chats_contact` and sorted;
   * more (a common name) walk the list in order instead, which finds a page early.
   */
  private async chatsOfContactsMatching(tenantId: string, f: ChatFilter, q: string, limit: number, cursor: { at: number; id: string } | null): Promise<ChatEntity[]> {
    const like = likePattern(q);
    const max = this.searchTuning.contactIds;
    const rows: { id: string }[] = await this.db.manager
      .createQueryBuilder(ContactEntity, 'k')
      .select('k.id', 'id')
      .where("k.tenant_id = :tenantId AND (k.name LIKE :like ESCAPE '!' OR k.phone LIKE :like ESCAPE '!')", { tenantId, like })
      .limit(max + 1)
      .getRawMany();
    if (!rows.length) return [];
    if (rows.length <= max) return this.chatsQuery(tenantId, f, limit, cursor).andWhere('c.contact_id IN (:...contactIds)', { contactIds: rows.map((r) => r.id) }).getMany();
    return this.chatsQuery(tenantId, f, limit, cursor)
      .andWhere("c.contact_id IN (SELECT k.id FROM contacts k WHERE k.tenant_id = :tenantId AND (k.name LIKE :like ESCAPE '!' OR k.phone LIKE :like ESCAPE '!'))", { like })
      .getMany();
  }

  /** The list's filters (all but `q`), cursor, order and limit. */
  private chatsQuery(tenantId: string, f: ChatFilter, limit: number, cursor: { at: number; id: string } | null) {
    const qb = this.db.manager.createQueryBuilder(ChatEntity, 'c').where('c.tenant_id = :tenantId', { tenantId });
    if (f.status) qb.andWhere('c.status = :status', { status: f.status });
    if (f.assigneeId === 'none') qb.andWhere('c.assignee_id IS NULL');
    else if (f.assigneeId) qb.andWhere('c.assignee_id = :assigneeId', { assigneeId: f.assigneeId });
    if (f.channelId) qb.andWhere('c.channel_id = :channelId', { channelId: f.channelId });
    if (f.stageId) qb.andWhere('c.stage_id = :stageId', { stageId: f.stageId });
    if (f.tag) {
      qb.andWhere(
        'EXISTS (SELECT 1 FROM chat_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.chat_id = c.id AND ct.tenant_id = :tenantId AND t.name = :tag)',
        { tag: f.tag },
      );
    }
    // last_message_at is always set (migration 1763761000001): the indexes
    // (tenant_id, [status | assignee_id | stage_id,] last_message_at, id) serve this order
    const at = 'c.last_message_at';
    if (f.unread) qb.andWhere('c.unread_count > 0');
    if (f.from !== undefined) qb.andWhere(`${at} >= :from`, { from: f.from });
    if (f.to !== undefined) qb.andWhere(`${at} < :to`, { to: f.to });
    if (cursor) qb.andWhere(`(${at} < :cat OR (${at} = :cat AND c.id < :cid))`, { cat: cursor.at, cid: cursor.id });
    return qb.orderBy(at, 'DESC').addOrderBy('c.id', 'DESC').limit(limit + 1);
  }

  /**
   * Chats (list order, filters, cursor) with a message of the tenant matching `q`'s words. Two
   * plans, chosen by how common the words are, because the cheap one differs:
   * - rare words: from the full-text index to their chats, then sorted (few rows);
   * - common words: walk the chats in list order and check each chat's messages, which stops
   *   after `limit + 1` hits (building and sorting every matching chat would cost seconds).
   * SQLite counts the FTS5 matches (up to `searchTuning.frequentMatches`) to choose, and the walk probes
   * the FTS5 result. InnoDB's full-text search has no cheap count, so MySQL/MariaDB walk the next
   * `searchTuning.walkWindow` chats first with a word-start REGEXP per word, and only when fewer than
   * `limit + 1` of them match ask the FULLTEXT index (InnoDB cannot seek its result per chat).
   */
  private async chatsWithMessageMatching(tenantId: string, f: ChatFilter, q: string, limit: number, cursor: { at: number; id: string } | null): Promise<ChatEntity[]> {
    const base = () => this.chatsQuery(tenantId, f, limit, cursor);
    const likeAll = "EXISTS (SELECT 1 FROM messages m WHERE m.chat_id = c.id AND m.tenant_id = :tenantId AND m.text LIKE :mlike ESCAPE '!')";
    if (this.db.dialect === 'sqlite') {
      const fts = fts5Query(q);
      // no word at all (only punctuation): the characters themselves, as text
      if (!fts) return base().andWhere(likeAll, { mlike: likePattern(q) }).getMany();
      const rows: { n: number }[] = await this.db.manager.query('SELECT COUNT(*) AS n FROM (SELECT 1 FROM messages_fts WHERE messages_fts MATCH ? LIMIT ?)', [fts, this.searchTuning.frequentMatches]);
      if (Number(rows[0]?.n) >= this.searchTuning.frequentMatches) {
        return base()
          .andWhere('EXISTS (SELECT 1 FROM messages m WHERE m.tenant_id = :tenantId AND m.chat_id = c.id AND m.rowid IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH :fts))', { fts })
          .getMany();
      }
      return base()
        .andWhere('c.id IN (SELECT m.chat_id FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid WHERE messages_fts MATCH :fts AND m.tenant_id = :tenantId)', { fts })
        .getMany();
    }

    const words = searchWords(q);
    if (!words.length) return base().andWhere(likeAll, { mlike: likePattern(q) }).getMany();
    // every word at the start of a word of the text (PCRE with Unicode classes, case-insensitive collation)
    const reParams: Record<string, string> = {};
    const reCond = words.map((w, i) => {
      reParams[`rw${i}`] = `(^|[^[:alnum:]])${w.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&')}`;
      return `m.text REGEXP :rw${i}`;
    });
    const walk = `EXISTS (SELECT 1 FROM messages m WHERE m.tenant_id = :tenantId AND m.chat_id = c.id AND ${reCond.join(' AND ')})`;
    const { against, likeWords } = innodbQuery(q);
    if (!against) return base().andWhere(walk, reParams).getMany();
    // the next walkWindow chats in list order: their (last_message_at, id) bound the walk
    const size = this.searchTuning.walkWindow;
    const window = await this.chatsQuery(tenantId, f, size - 1, cursor).select(['c.id', 'c.lastMessageAt']).getMany();
    const edge = window.length === size ? window[window.length - 1] : null;
    const walked = base().andWhere(walk, reParams);
    if (edge) walked.andWhere('(c.last_message_at > :wat OR (c.last_message_at = :wat AND c.id >= :wid))', { wat: edge.lastMessageAt, wid: edge.id });
    const hits = await walked.getMany();
    if (hits.length > limit || !edge) return hits;
    const params: Record<string, string> = { against };
    const likes = likeWords.map((w, i) => {
      params[`lw${i}`] = likePattern(w);
      return ` AND m.text LIKE :lw${i} ESCAPE '!'`;
    });
    return base()
      .andWhere(`c.id IN (SELECT m.chat_id FROM messages m WHERE MATCH(m.text) AGAINST (:against IN BOOLEAN MODE) AND m.tenant_id = :tenantId${likes.join('')})`, params)
      .getMany();
  }

  /**
   * Updates a chat's fields in their own transaction. No flow events: inbox changes that start
   * flows go through {@link changeChats}.
   */
  async updateChat(tenantId: string, id: string, patch: Partial<Pick<ChatEntity, 'assigneeId' | 'status' | 'stageId' | 'unreadCount'>>): Promise<void> {
    await this.db.transaction((m) => m.update(ChatEntity, { tenantId, id }, { ...patch, updatedAt: Date.now() }));
  }

  /**
   * Applies `change` to the tenant's chats `ids` in one transaction and, in it, calls
   * `hook(m, before, after)` with their state before and after (chats missing from the tenant are
   * left out); returns what the hook returns. If the hook throws, the change rolls back. The state
   * is read in the transaction: on MySQL the chat rows are locked first (`SELECT … FOR UPDATE`,
   * in id order), so two concurrent changes of a chat run one after the other and the second sees
   * the first's result as its "before"; SQLite's transactions are serialised anyway.
   */
  async changeChats<T>(tenantId: string, ids: string[], change: ChatsChange, hook: (m: EntityManager, before: ChatState[], after: ChatState[]) => Promise<T>): Promise<T> {
    const unique = [...new Set(ids)].sort();
    return this.db.transaction(async (m) => {
      await this.lockRows(m, 'chats', tenantId, unique);
      const before = await this.chatStates(m, tenantId, unique);
      if (unique.length && change.fields && Object.keys(change.fields).length) {
        await m.update(ChatEntity, { tenantId, id: In(unique) }, { ...change.fields, updatedAt: Date.now() });
      }
      if (change.setTags) for (const id of unique) await this.replaceChatTags(m, tenantId, id, change.setTags);
      await this.addRemoveChatTags(m, tenantId, unique, change.addTags ?? [], change.removeTags ?? []);
      return hook(m, before, await this.chatStates(m, tenantId, unique));
    });
  }

  /** MySQL: locks the tenant's rows `ids` of `table` (id order) until the transaction ends; SQLite: nothing (one writer). */
  private async lockRows(m: EntityManager, table: 'chats' | 'contacts', tenantId: string, ids: string[]): Promise<void> {
    if (this.db.dialect === 'sqlite' || !ids.length) return;
    await m.query(`SELECT id FROM ${table} WHERE tenant_id = ? AND id IN (${ids.map(() => '?').join(',')}) ORDER BY id FOR UPDATE`, [tenantId, ...ids]);
  }

  private async chatStates(m: EntityManager, tenantId: string, ids: string[]): Promise<ChatState[]> {
    if (!ids.length) return [];
    const rows = await m.findBy(ChatEntity, { tenantId, id: In(ids) });
    const tags = await this.tagsOfChats(tenantId, rows.map((c) => c.id), m);
    return rows.map((c) => ({ id: c.id, channelId: c.channelId, contactId: c.contactId, assigneeId: c.assigneeId, status: c.status, tags: tags.get(c.id) ?? [] }));
  }

  /** Chats of a contact, most recent activity first. */
  chatsOfContact(tenantId: string, contactId: string, limit = 100): Promise<ChatEntity[]> {
    return this.db.manager
      .createQueryBuilder(ChatEntity, 'c')
      .where('c.tenant_id = :tenantId AND c.contact_id = :contactId', { tenantId, contactId })
      .orderBy('c.last_message_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(limit)
      .getMany();
  }

  // ---- tags
  listTags(tenantId: string): Promise<TagEntity[]> {
    return this.db.manager.find(TagEntity, { where: { tenantId }, order: { name: 'ASC' } });
  }

  getTag(tenantId: string, id: string): Promise<TagEntity | null> {
    return this.db.manager.findOneBy(TagEntity, { tenantId, id });
  }

  findTagByName(tenantId: string, name: string): Promise<TagEntity | null> {
    return this.db.manager.findOneBy(TagEntity, { tenantId, name });
  }

  async createTag(tenantId: string, name: string, color: string): Promise<TagEntity> {
    const row = Object.assign(new TagEntity(), { id: newId(), tenantId, name, color, createdAt: Date.now() });
    await this.db.transaction((m) => m.insert(TagEntity, row));
    return row;
  }

  async updateTag(tenantId: string, id: string, patch: { name?: string; color?: string }): Promise<void> {
    await this.db.transaction((m) => m.update(TagEntity, { tenantId, id }, patch));
  }

  /** Ids of the tenant's chats that carry tag `tagId`. */
  async chatIdsWithTag(tenantId: string, tagId: string): Promise<string[]> {
    const rows = await this.db.manager.find(ChatTagEntity, { where: { tenantId, tagId }, select: { chatId: true } });
    return rows.map((r) => r.chatId);
  }

  /** Adds and removes tags (by name; missing ones are created) on several chats, in `m`. */
  private async addRemoveChatTags(m: EntityManager, tenantId: string, chatIds: string[], add: string[], remove: string[]): Promise<void> {
    const addNames = [...new Set(add.map((n) => n.trim()).filter(Boolean))];
    const removeNames = [...new Set(remove.map((n) => n.trim()).filter(Boolean))];
    if (!chatIds.length || (!addNames.length && !removeNames.length)) return;
    const now = Date.now();
    if (removeNames.length) {
      const gone = await m.findBy(TagEntity, { tenantId, name: In(removeNames) });
      if (gone.length) await m.delete(ChatTagEntity, { tenantId, chatId: In(chatIds), tagId: In(gone.map((t) => t.id)) });
    }
    if (addNames.length) {
      const existing = await m.findBy(TagEntity, { tenantId, name: In(addNames) });
      const have = new Set(existing.map((t) => t.name));
      const created = addNames.filter((n) => !have.has(n)).map((name) => ({ id: newId(), tenantId, name, color: '#64748b', createdAt: now }));
      if (created.length) await m.insert(TagEntity, created);
      const tagIds = [...existing, ...created].map((t) => t.id);
      const present = await m.findBy(ChatTagEntity, { tenantId, chatId: In(chatIds), tagId: In(tagIds) });
      const key = new Set(present.map((p) => `${p.chatId}|${p.tagId}`));
      const rows = chatIds.flatMap((chatId) => tagIds.filter((tagId) => !key.has(`${chatId}|${tagId}`)).map((tagId) => ({ chatId, tagId, tenantId })));
      if (rows.length) await m.insert(ChatTagEntity, rows);
    }
    await m.update(ChatEntity, { tenantId, id: In(chatIds) }, { updatedAt: now });
  }

  /** Tag names of chats (by name), read on `m` when given. */
  async tagsOfChats(tenantId: string | null, chatIds: string[], m: EntityManager = this.db.manager): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>(chatIds.map((id) => [id, []]));
    if (!chatIds.length) return out;
    const qb = m
      .createQueryBuilder(ChatTagEntity, 'ct')
      .innerJoin(TagEntity, 't', 't.id = ct.tag_id')
      .select(['ct.chat_id AS chat_id', 't.name AS name'])
      .where('ct.chat_id IN (:...chatIds)', { chatIds });
    if (tenantId) qb.andWhere('ct.tenant_id = :tenantId', { tenantId });
    const rows: { chat_id: string; name: string }[] = await qb.orderBy('t.name').getRawMany();
    for (const r of rows) out.get(r.chat_id)?.push(r.name);
    return out;
  }

  /** Replaces a chat's tags by name (missing tags are created), in `m`. */
  private async replaceChatTags(m: EntityManager, tenantId: string, chatId: string, names: string[]): Promise<void> {
    const unique = [...new Set(names.map((n) => n.trim()).filter(Boolean))];
    const existing = unique.length ? await m.findBy(TagEntity, { tenantId, name: In(unique) }) : [];
    const have = new Set(existing.map((t) => t.name));
    const now = Date.now();
    const created = unique.filter((n) => !have.has(n)).map((name) => ({ id: newId(), tenantId, name, color: '#64748b', createdAt: now }));
    if (created.length) await m.insert(TagEntity, created);
    await m.delete(ChatTagEntity, { tenantId, chatId });
    const all = [...existing, ...created];
    if (all.length) await m.insert(ChatTagEntity, all.map((t) => ({ chatId, tagId: t.id, tenantId })));
    await m.update(ChatEntity, { tenantId, id: chatId }, { updatedAt: now });
  }

  // ---- contacts
  contactsByIds(tenantId: string | null, ids: string[]): Promise<ContactEntity[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.db.manager.findBy(ContactEntity, tenantId ? { tenantId, id: In(ids) } : { id: In(ids) });
  }

  getContact(tenantId: string, id: string): Promise<ContactEntity | null> {
    return this.db.manager.findOneBy(ContactEntity, { tenantId, id });
  }

  listContacts(tenantId: string, q: string | undefined, limit: number, cursor: string | null): Promise<ContactEntity[]> {
    const qb = this.db.manager.createQueryBuilder(ContactEntity, 'k').where('k.tenant_id = :tenantId', { tenantId });
    if (q) {
      const like = likePattern(q);
      qb.andWhere("(k.name LIKE :like ESCAPE '!' OR k.phone LIKE :like ESCAPE '!' OR k.email LIKE :like ESCAPE '!')", { like });
    }
    if (cursor) qb.andWhere('k.id < :cursor', { cursor });
    return qb.orderBy('k.id', 'DESC').limit(limit + 1).getMany();
  }

  async createContact(tenantId: string, input: Partial<Pick<ContactEntity, 'name' | 'phone' | 'email' | 'avatarUrl' | 'attributes'>>): Promise<ContactEntity> {
    const now = Date.now();
    const row = Object.assign(new ContactEntity(), {
      id: newId(), tenantId, name: input.name ?? null, phone: input.phone ?? null, email: input.email ?? null, username: null,
      avatarUrl: input.avatarUrl ?? null, attributes: input.attributes ?? {}, createdAt: now, updatedAt: now,
    });
    await this.db.transaction((m) => m.insert(ContactEntity, asRow(row)));
    return row;
  }

  async updateContact(tenantId: string, id: string, patch: Partial<Pick<ContactEntity, 'name' | 'phone' | 'email' | 'avatarUrl' | 'attributes'>>): Promise<void> {
    await this.db.transaction((m) => m.update(ContactEntity, { tenantId, id }, asRow({ ...patch, updatedAt: Date.now() })));
  }

  /**
   * Updates a contact and, in the same transaction, calls `hook(m, before, after)` with the row
   * before and after (read in the transaction; locked first on MySQL, like {@link changeChats}).
   * If the hook throws, the update rolls back. Null (and no hook call) for an unknown contact.
   */
  async changeContact<T>(
    tenantId: string,
    id: string,
    patch: Partial<Pick<ContactEntity, 'name' | 'phone' | 'email' | 'avatarUrl' | 'attributes'>>,
    hook: (m: EntityManager, before: ContactEntity, after: ContactEntity) => Promise<T>,
  ): Promise<{ contact: ContactEntity; result: T } | null> {
    return this.db.transaction(async (m) => {
      await this.lockRows(m, 'contacts', tenantId, [id]);
      const before = await m.findOneBy(ContactEntity, { tenantId, id });
      if (!before) return null;
      await m.update(ContactEntity, { tenantId, id }, asRow({ ...patch, updatedAt: Date.now() }));
      const after = (await m.findOneBy(ContactEntity, { tenantId, id }))!;
      return { contact: after, result: await hook(m, before, after) };
    });
  }

  /** Deletes a contact with its identities, chats, messages and notes. */
  async deleteContact(tenantId: string, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const chats = await m.findBy(ChatEntity, { tenantId, contactId: id });
      const chatIds = chats.map((c) => c.id);
      if (chatIds.length) {
        await m.delete(MessageEntity, { tenantId, chatId: In(chatIds) });
        await m.delete(NoteEntity, { tenantId, chatId: In(chatIds) });
        await m.delete(ChatTagEntity, { tenantId, chatId: In(chatIds) });
        await m.delete(ChatEntity, { tenantId, id: In(chatIds) });
      }
      await m.query('DELETE FROM contact_identities WHERE tenant_id = ? AND contact_id = ?', [tenantId, id]);
      await m.delete(ContactEntity, { tenantId, id });
    });
  }

  // ---- messages
  getMessage(tenantId: string, id: string): Promise<MessageEntity | null> {
    return this.db.manager.findOneBy(MessageEntity, { tenantId, id });
  }

  messagesByIds(ids: string[]): Promise<MessageEntity[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.db.manager.findBy(MessageEntity, { id: In(ids) });
  }

  /** Messages of a chat, newest first (`limit + 1` rows); `cursor` is the last id seen. */
  listMessages(tenantId: string, chatId: string, limit: number, cursor: string | null): Promise<MessageEntity[]> {
    const qb = this.db.manager
      .createQueryBuilder(MessageEntity, 'm')
      .where('m.tenant_id = :tenantId AND m.chat_id = :chatId', { tenantId, chatId });
    if (cursor) qb.andWhere('m.id < :cursor', { cursor });
    return qb.orderBy('m.id', 'DESC').limit(limit + 1).getMany();
  }

  /**
   * Stores an outbound message and updates the chat summary (and assignee) atomically.
   * `extra` runs in the same transaction; its `assigned` flag tells whether this message made
   * `chatPatch.assigneeId` the assignee of a chat that had none (only one concurrent reply can).
   */
  async insertOutbound<T = void>(
    msg: MessageEntity,
    chatPatch: { assigneeId?: string; preview: string },
    extra?: (m: EntityManager, r: { assigned: boolean }) => Promise<T>,
  ): Promise<T | undefined> {
    return this.db.transaction(async (m) => {
      await m.insert(MessageEntity, asRow(msg));
      const set: Record<string, unknown> = { lastMessageAt: msg.createdAt, lastMessagePreview: chatPatch.preview, updatedAt: msg.createdAt };
      let assigned = false;
      if (chatPatch.assigneeId) {
        assigned =
          (await this.db.execute(m, 'UPDATE chats SET assignee_id = ? WHERE id = ? AND tenant_id = ? AND assignee_id IS NULL', [chatPatch.assigneeId, msg.chatId, msg.tenantId])) > 0;
      }
      await m.update(ChatEntity, { tenantId: msg.tenantId, id: msg.chatId }, set);
      return extra?.(m, { assigned });
    });
  }

  // ---- funnels
  async funnels(tenantId: string): Promise<{ funnel: FunnelEntity; stages: StageEntity[] }[]> {
    const [funnels, stages] = await Promise.all([
      this.db.manager.find(FunnelEntity, { where: { tenantId }, order: { position: 'ASC', id: 'ASC' } }),
      this.db.manager.find(StageEntity, { where: { tenantId }, order: { position: 'ASC', id: 'ASC' } }),
    ]);
    return funnels.map((funnel) => ({ funnel, stages: stages.filter((s) => s.funnelId === funnel.id) }));
  }

  getStage(tenantId: string, id: string): Promise<StageEntity | null> {
    return this.db.manager.findOneBy(StageEntity, { tenantId, id });
  }

  // ---- notes
  async addNote(tenantId: string, chatId: string, authorId: string, text: string): Promise<NoteEntity> {
    const row = Object.assign(new NoteEntity(), { id: newId(), tenantId, chatId, authorId, text, createdAt: Date.now() });
    await this.db.transaction((m) => m.insert(NoteEntity, row));
    return row;
  }

  listNotes(tenantId: string, chatId: string): Promise<NoteEntity[]> {
    return this.db.manager.find(NoteEntity, { where: { tenantId, chatId }, order: { id: 'ASC' } });
  }
}
