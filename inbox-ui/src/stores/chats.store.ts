import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { chatsApi, type BulkChange, type ChatPatch } from '../api/chats.js';
import type { Chat, ChatFilters } from '../api/types.js';

const activityOf = (c: Chat) => Date.parse(c.lastMessageAt ?? c.createdAt);
/** Most recent activity first, ties by id (the server's order). */
export const byActivity = (a: Chat, b: Chat) => activityOf(b) - activityOf(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** Whether `chat` belongs in a list filtered by `f` (text search is left to the server). */
export function matchesFilters(chat: Chat, f: ChatFilters, meId: string | null): boolean {
  if (f.status && chat.status !== f.status) return false;
  if (f.assigneeId === 'none' && chat.assigneeId) return false;
  if (f.assigneeId === 'me' && chat.assigneeId !== meId) return false;
  if (f.assigneeId && f.assigneeId !== 'none' && f.assigneeId !== 'me' && chat.assigneeId !== f.assigneeId) return false;
  if (f.tag && !chat.tags.includes(f.tag)) return false;
  if (f.channelId && chat.channelId !== f.channelId) return false;
  if (f.stageId && chat.stageId !== f.stageId) return false;
  if (f.unread && chat.unreadCount === 0) return false;
  if (f.from && activityOf(chat) < Date.parse(f.from)) return false;
  if (f.to && activityOf(chat) >= Date.parse(f.to)) return false;
  return true;
}

/**
 * Every chat the inbox knows, by id, kept fresh by realtime `chat_updated` events; plus the
 * list view's current query (filters, order, paging). The board reads the same chats by stage.
 */
export const useChatsStore = defineStore('chats', () => {
  const byId = ref<Record<string, Chat>>({});
  const filters = ref<ChatFilters>({});
  const listIds = ref<string[]>([]);
  const nextCursor = ref<string | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  /** Id of the agent (for `assigneeId=me` matching). */
  const meId = ref<string | null>(null);
  /** Stages whose first page the board loaded. */
  const boardLoaded = ref(false);

  const all = computed(() => Object.values(byId.value).sort(byActivity));
  const list = computed(() => listIds.value.map((id) => byId.value[id]).filter((c): c is Chat => !!c && matchesFilters(c, filters.value, meId.value)));
  const totalUnread = computed(() => Object.values(byId.value).reduce((n, c) => n + (c.status === 'resolved' ? 0 : c.unreadCount), 0));

  function byStage(stageId: string, firstStageId?: string): Chat[] {
    return all.value.filter((c) => c.stageId === stageId || (!c.stageId && stageId === firstStageId));
  }

  /** Stores a chat (newer `updatedAt` wins) and places it in the list when it matches the filters. */
  function upsert(chat: Chat): void {
    const prev = byId.value[chat.id];
    if (prev && Date.parse(prev.updatedAt) > Date.parse(chat.updatedAt)) return;
    byId.value[chat.id] = chat;
    if (matchesFilters(chat, filters.value, meId.value) && !filters.value.q) {
      const ids = listIds.value.filter((id) => id !== chat.id);
      // keep the list ordered by activity
      let i = 0;
      while (i < ids.length && byId.value[ids[i]] && byActivity(byId.value[ids[i]], chat) < 0) i++;
      ids.splice(i, 0, chat.id);
      listIds.value = ids;
    }
  }

  async function loadList(f: ChatFilters = filters.value): Promise<void> {
    filters.value = { ...f };
    loading.value = true;
    error.value = null;
    try {
      const page = await chatsApi.list(filters.value);
      for (const c of page.data) byId.value[c.id] = c;
      listIds.value = page.data.map((c) => c.id);
      nextCursor.value = page.nextCursor;
    } catch (e) {
      error.value = (e as Error).message;
    } finally {
      loading.value = false;
    }
  }

  async function loadMore(): Promise<void> {
    if (!nextCursor.value || loading.value) return;
    loading.value = true;
    try {
      const page = await chatsApi.list(filters.value, nextCursor.value);
      for (const c of page.data) byId.value[c.id] = c;
      listIds.value = [...listIds.value, ...page.data.map((c) => c.id).filter((id) => !listIds.value.includes(id))];
      nextCursor.value = page.nextCursor;
    } finally {
      loading.value = false;
    }
  }

  /** The board: the most recent open/pending chats of every stage (one page per stage). */
  async function loadBoard(stageIds: string[]): Promise<void> {
    const pages = await Promise.all(stageIds.map((stageId) => chatsApi.list({ stageId }, null, 100)));
    for (const p of pages) for (const c of p.data) byId.value[c.id] = c;
    boardLoaded.value = true;
  }

  async function fetchOne(id: string): Promise<Chat> {
    const chat = await chatsApi.get(id);
    upsert(chat);
    return chat;
  }

  /** Optimistic update, rolled back when the server refuses. */
  async function patch(id: string, change: ChatPatch): Promise<Chat> {
    const prev = byId.value[id];
    if (prev) byId.value[id] = { ...prev, ...(change as Partial<Chat>) };
    try {
      const chat = await chatsApi.patch(id, change);
      byId.value[id] = chat;
      return chat;
    } catch (e) {
      if (prev) byId.value[id] = prev;
      throw e;
    }
  }

  async function bulk(change: BulkChange): Promise<void> {
    const page = await chatsApi.bulk(change);
    for (const c of page.data) upsert(c);
  }

  async function markRead(id: string): Promise<void> {
    const c = byId.value[id];
    if (!c || c.unreadCount === 0) return;
    byId.value[id] = { ...c, unreadCount: 0 };
    upsert(await chatsApi.markRead(id));
  }

  function reset(): void {
    byId.value = {};
    listIds.value = [];
    nextCursor.value = null;
    boardLoaded.value = false;
  }

  return { byId, filters, listIds, nextCursor, loading, error, meId, boardLoaded, all, list, totalUnread, byStage, upsert, loadList, loadMore, loadBoard, fetchOne, patch, bulk, markRead, reset };
});
