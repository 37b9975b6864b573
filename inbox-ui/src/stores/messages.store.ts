import { defineStore } from 'pinia';
import { ref } from 'vue';
import { chatsApi } from '../api/chats.js';
import type { Message, Note, SendBody } from '../api/types.js';

/** Messages of one chat, oldest first (ids are time-ordered UUIDv7s). */
export interface Thread {
  ids: string[];
  nextCursor: string | null;
  /** True once the first message of the chat is loaded. */
  complete: boolean;
  loading: boolean;
  notes: Note[];
}

/** One row of the conversation: a message or an internal note, in time order. */
export type TimelineItem = { kind: 'message'; at: string; message: Message } | { kind: 'note'; at: string; note: Note };

/**
 * Message history per chat with infinite scroll back, live inserts and status updates
 * (`message_created` / `message_updated`), reactions attached to their targets, and notes.
 */
export const useMessagesStore = defineStore('messages', () => {
  const byId = ref<Record<string, Message>>({});
  const threads = ref<Record<string, Thread>>({});

  /** The chat's thread (created empty); always the reactive proxy, so mutations re-render. */
  function thread(chatId: string): Thread {
    if (!threads.value[chatId]) threads.value[chatId] = { ids: [], nextCursor: null, complete: false, loading: false, notes: [] };
    return threads.value[chatId];
  }

  function insertId(t: Thread, id: string): void {
    if (t.ids.includes(id)) return;
    let i = t.ids.length;
    while (i > 0 && t.ids[i - 1] > id) i--;
    t.ids.splice(i, 0, id);
  }

  const STATUS_RANK: Record<string, number> = { queued: 0, received: 0, sent: 1, delivered: 2, read: 3, played: 4, failed: 5 };

  /** Stores a message; a late event never moves a status backwards (read → delivered). */
  function upsert(m: Message): void {
    const prev = byId.value[m.id];
    if (prev && prev.status !== 'failed' && m.status !== 'failed' && (STATUS_RANK[m.status] ?? 0) < (STATUS_RANK[prev.status] ?? 0)) {
      byId.value[m.id] = { ...m, status: prev.status, deliveredAt: prev.deliveredAt ?? m.deliveredAt, readAt: prev.readAt ?? m.readAt };
    } else byId.value[m.id] = m;
    // only threads already opened get live inserts; others load on open
    const t = threads.value[m.chatId];
    if (t) insertId(t, m.id);
  }

  /** Loads the newest page (first open, or catch-up after a reconnect). */
  async function loadLatest(chatId: string): Promise<void> {
    const t = thread(chatId);
    t.loading = true;
    try {
      const [page, notes] = await Promise.all([chatsApi.messages(chatId), chatsApi.notes(chatId)]);
      for (const m of page.data) byId.value[m.id] = m;
      const fresh = page.data.map((m) => m.id);
      if (!t.ids.length) {
        t.ids = fresh.reverse();
        t.nextCursor = page.nextCursor;
        t.complete = !page.nextCursor;
      } else for (const id of fresh) insertId(t, id);
      t.notes = notes.data;
    } finally {
      t.loading = false;
    }
  }

  /** Loads the page before the oldest loaded message; false when there is nothing more. */
  async function loadOlder(chatId: string): Promise<boolean> {
    const t = thread(chatId);
    if (t.complete || t.loading || !t.nextCursor) return false;
    t.loading = true;
    try {
      const page = await chatsApi.messages(chatId, t.nextCursor);
      for (const m of page.data) {
        byId.value[m.id] = m;
        insertId(t, m.id);
      }
      t.nextCursor = page.nextCursor;
      t.complete = !page.nextCursor;
      return page.data.length > 0;
    } finally {
      t.loading = false;
    }
  }

  async function send(chatId: string, body: SendBody): Promise<Message> {
    const m = await chatsApi.send(chatId, body);
    upsert(m);
    return m;
  }

  /** Re-sends a failed message's content as a new message. */
  async function retry(m: Message): Promise<Message> {
    if (m.type === 'text') return send(m.chatId, { type: 'text', text: m.text ?? '' });
    const url = m.media?.providerUrl ?? m.media?.url;
    if (!url || !['image', 'audio', 'video', 'document', 'sticker'].includes(m.type)) throw new Error('This message cannot be retried');
    return send(m.chatId, { type: m.type as 'image', url, caption: m.media?.caption ?? undefined, filename: m.media?.filename ?? undefined });
  }

  async function addNote(chatId: string, text: string): Promise<Note> {
    const note = await chatsApi.addNote(chatId, text);
    upsertNote(note);
    return note;
  }

  /** A note from the API or a realtime `note_created` (once per id, kept in time order); ignored for threads not loaded. */
  function upsertNote(note: Note): void {
    const t = threads.value[note.chatId];
    if (!t || t.notes.some((n) => n.id === note.id)) return;
    t.notes = [...t.notes, note].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  }

  /** Messages and notes in time order; reactions are not rows (they show on their targets). */
  function timeline(chatId: string): TimelineItem[] {
    const t = threads.value[chatId];
    if (!t) return [];
    const items: TimelineItem[] = [];
    for (const id of t.ids) {
      const m = byId.value[id];
      if (m && !(m.type === 'reaction' && m.reactionToId)) items.push({ kind: 'message', at: m.createdAt, message: m });
    }
    const oldest = items[0]?.at;
    for (const n of t.notes) if (t.complete || !oldest || n.createdAt >= oldest) items.push({ kind: 'note', at: n.createdAt, note: n });
    return items.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }

  /** Current reactions on a message: the latest emoji per reacting side (an empty emoji removes it). */
  function reactionsOf(messageId: string): { emoji: string; direction: 'in' | 'out' }[] {
    const latest = new Map<string, Message>();
    for (const m of Object.values(byId.value)) {
      if (m.type !== 'reaction' || m.reactionToId !== messageId) continue;
      const prev = latest.get(m.direction);
      if (!prev || prev.id < m.id) latest.set(m.direction, m);
    }
    return [...latest.values()].map((m) => ({ emoji: (m.content?.reaction?.emoji as string | undefined) ?? m.text ?? '', direction: m.direction })).filter((r) => r.emoji);
  }

  /** The message a reply quotes (by the provider's id), when loaded. */
  function quoted(m: Message): Message | null {
    const ext = m.replyToExternalId ?? (m.content?.context?.id as string | undefined);
    if (!ext) return null;
    return Object.values(byId.value).find((x) => x.chatId === m.chatId && x.externalId === ext) ?? null;
  }

  function reset(): void {
    byId.value = {};
    threads.value = {};
  }

  return { byId, threads, thread, upsert, upsertNote, loadLatest, loadOlder, send, retry, addNote, timeline, reactionsOf, quoted, reset };
});
