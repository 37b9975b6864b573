/**
 * Typed realtime dispatch: each server event goes to the store that owns its data (no global
 * bus). `bind` attaches the handlers to a socket-like emitter and refetches what may have been
 * missed whenever the connection comes back.
 */
import type { Chat, Message, Note, Tag } from '../api/types.js';
import { EVENT_NAMES, type Handlers } from './events.js';

export interface DispatchTargets {
  chats: { upsert(chat: Chat): void; byId: Record<string, Chat> };
  messages: { upsert(message: Message): void; upsertNote?(note: Note): void };
  tags?: { noteNames(names: string[]): void; upsertTag?(tag: Tag): void };
  /** Called for a new inbound message (sound, desktop notification). */
  onInbound?: (message: Message, chat: Chat | undefined) => void;
  /** Chat ids not yet known locally (a message for a chat created while offline): fetch them. */
  fetchChat?: (chatId: string) => void;
}

export function createHandlers(t: DispatchTargets): Handlers {
  return {
    chat_updated: ({ chat }) => {
      t.chats.upsert(chat);
      t.tags?.noteNames(chat.tags);
    },
    message_created: ({ message }) => {
      t.messages.upsert(message);
      if (!t.chats.byId[message.chatId]) t.fetchChat?.(message.chatId);
      if (message.direction === 'in' && message.type !== 'reaction') t.onInbound?.(message, t.chats.byId[message.chatId]);
    },
    message_updated: ({ message }) => t.messages.upsert(message),
    note_created: ({ note }) => t.messages.upsertNote?.(note),
    tag_updated: ({ tag }) => t.tags?.upsertTag?.(tag),
  };
}

/** The part of a socket.io client the dispatcher uses. */
export interface SocketLike {
  on(event: string, fn: (...args: any[]) => void): unknown;
  off(event: string, fn?: (...args: any[]) => void): unknown;
}

/**
 * Binds handlers to `socket`; `onReconnect` runs on every connect after the first (catch-up).
 * Returns an unbind function.
 */
export function bind(socket: SocketLike, handlers: Handlers, hooks: { onReconnect?: () => void; onStatus?: (s: 'connected' | 'disconnected') => void } = {}): () => void {
  let connectedOnce = false;
  const onConnect = () => {
    hooks.onStatus?.('connected');
    if (connectedOnce) hooks.onReconnect?.();
    connectedOnce = true;
  };
  const onDisconnect = () => hooks.onStatus?.('disconnected');
  for (const name of EVENT_NAMES) socket.on(name, handlers[name] as (...args: any[]) => void);
  socket.on('connect', onConnect);
  socket.on('disconnect', onDisconnect);
  return () => {
    for (const name of EVENT_NAMES) socket.off(name, handlers[name] as (...args: any[]) => void);
    socket.off('connect', onConnect);
    socket.off('disconnect', onDisconnect);
  };
}
