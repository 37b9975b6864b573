/**
 * The app's socket: connects with the session token, dispatches events into the stores,
 * reconnects by itself (socket.io backoff) and catches up on reconnect by refetching the
 * chats in view and the open conversation.
 */
import { io, type Socket } from 'socket.io-client';
import { ref } from 'vue';
import { bind, createHandlers } from './dispatcher.js';
import { chime, desktopNotify, shouldNotify } from './notify.js';
import { useChatsStore } from '../stores/chats.store.js';
import { useMessagesStore } from '../stores/messages.store.js';
import { useTagsStore, useWorkspaceStore } from '../stores/workspace.store.js';
import { usePrefsStore } from '../stores/prefs.store.js';
import type { Router } from 'vue-router';

export const connectionStatus = ref<'connecting' | 'connected' | 'disconnected'>('connecting');

let socket: Socket | null = null;
let unbind: (() => void) | null = null;

export function connectRealtime(token: string, meId: string, router: Router): void {
  disconnectRealtime();
  const chats = useChatsStore();
  const messages = useMessagesStore();
  const tags = useTagsStore();
  const prefs = usePrefsStore();
  const workspace = useWorkspaceStore();
  socket = io({ auth: { token }, transports: ['websocket', 'polling'] });
  connectionStatus.value = 'connecting';
  const handlers = createHandlers({
    chats,
    messages,
    tags,
    fetchChat: (id) => void chats.fetchOne(id).catch(() => undefined),
    onInbound: (message, chat) => {
      const open = router.currentRoute.value.name === 'chat' && router.currentRoute.value.params.id === message.chatId;
      if ((open && document.visibilityState === 'visible') || !shouldNotify(message, chat, meId)) return;
      if (prefs.sound) chime();
      if (prefs.desktop) {
        desktopNotify(chat?.contact.name ?? chat?.contact.phone ?? 'Parley', message.text ?? message.type, () => void router.push({ name: 'chat', params: { id: message.chatId } }));
      }
    },
  });
  unbind = bind(socket, handlers, {
    onStatus: (s) => (connectionStatus.value = s),
    onReconnect: () => {
      // catch up: chats in view, the board, the open thread
      void chats.loadList();
      if (chats.boardLoaded) void chats.loadBoard(workspace.stages.map((s) => s.id));
      const route = router.currentRoute.value;
      if (route.name === 'chat') {
        const id = String(route.params.id);
        void chats.fetchOne(id).catch(() => undefined);
        void messages.loadLatest(id).catch(() => undefined);
      }
    },
  });
  socket.on('connect_error', () => (connectionStatus.value = 'disconnected'));
}

export function disconnectRealtime(): void {
  unbind?.();
  unbind = null;
  socket?.close();
  socket = null;
}
