// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { chat, message } from '../test/fixtures.js';
import { useChatsStore } from '../stores/chats.store.js';
import { useMessagesStore } from '../stores/messages.store.js';
import { useTagsStore } from '../stores/workspace.store.js';
import { bind, createHandlers, type SocketLike } from './dispatcher.js';
import { shouldNotify } from './notify.js';

/** A minimal socket: `emit` plays a server event. */
class FakeSocket implements SocketLike {
  handlers = new Map<string, Set<(...a: any[]) => void>>();
  on(e: string, fn: (...a: any[]) => void) {
    (this.handlers.get(e) ?? this.handlers.set(e, new Set()).get(e)!).add(fn);
    return this;
  }
  off(e: string, fn?: (...a: any[]) => void) {
    if (fn) this.handlers.get(e)?.delete(fn);
    else this.handlers.delete(e);
    return this;
  }
  emit(e: string, payload?: unknown) {
    for (const fn of this.handlers.get(e) ?? []) fn(payload);
  }
}

beforeEach(() => setActivePinia(createPinia()));

describe('realtime dispatcher', () => {
  it('dispatches each event into its store', () => {
    const chats = useChatsStore();
    const messages = useMessagesStore();
    messages.thread('c1');
    const noteNames = vi.fn();
    const onInbound = vi.fn();
    const fetchChat = vi.fn();
    const socket = new FakeSocket();
    bind(socket, createHandlers({ chats, messages, tags: { noteNames }, onInbound, fetchChat }));

    const c = chat({ id: 'c1', tags: ['vip'], unreadCount: 1 });
    socket.emit('chat_updated', { chat: c });
    expect(chats.byId.c1.unreadCount).toBe(1);
    expect(noteNames).toHaveBeenCalledWith(['vip']);

    const m = message({ chatId: 'c1' });
    socket.emit('message_created', { message: m });
    expect(messages.threads.c1.ids).toEqual([m.id]);
    expect(onInbound).toHaveBeenCalledWith(m, chats.byId.c1);
    expect(fetchChat).not.toHaveBeenCalled();

    socket.emit('message_created', { message: message({ chatId: 'unknown-chat' }) });
    expect(fetchChat).toHaveBeenCalledWith('unknown-chat');

    socket.emit('message_updated', { message: { ...m, status: 'read' } });
    expect(messages.byId[m.id].status).toBe('read');
  });

  it('adds other agents\' notes to loaded threads once, in time order, and applies tag changes', () => {
    const messages = useMessagesStore();
    const tags = useTagsStore();
    tags.tags = [{ id: 't1', name: 'vip', color: '#64748b' }];
    messages.thread('c1');
    const socket = new FakeSocket();
    bind(socket, createHandlers({ chats: useChatsStore(), messages, tags }));
    const note = (id: string, at: string) => ({ id, chatId: 'c1', authorId: 'u2', authorName: 'Bea', text: `note ${id}`, createdAt: at });
    socket.emit('note_created', { note: note('n2', '2026-03-01T10:00:02Z') });
    socket.emit('note_created', { note: note('n1', '2026-03-01T10:00:01Z') });
    socket.emit('note_created', { note: note('n2', '2026-03-01T10:00:02Z') });
    socket.emit('note_created', { note: { ...note('n3', '2026-03-01T10:00:03Z'), chatId: 'not-loaded' } });
    expect(messages.threads.c1.notes.map((n) => n.id)).toEqual(['n1', 'n2']);
    expect(messages.threads['not-loaded']).toBeUndefined();
    expect(messages.timeline('c1').filter((i) => i.kind === 'note')).toHaveLength(2);

    socket.emit('tag_updated', { tag: { id: 't1', name: 'vip', color: '#a855f7' } });
    socket.emit('tag_updated', { tag: { id: 't2', name: 'after-sales', color: '#0ea5e9' } });
    expect(tags.tags.map((t) => [t.name, t.color])).toEqual([['after-sales', '#0ea5e9'], ['vip', '#a855f7']]);
    expect(tags.colorOf('vip')).toBe('#a855f7');
  });

  it('does not ring for outbound messages or reactions', () => {
    const onInbound = vi.fn();
    const socket = new FakeSocket();
    bind(socket, createHandlers({ chats: useChatsStore(), messages: useMessagesStore(), onInbound }));
    socket.emit('message_created', { message: message({ direction: 'out' }) });
    socket.emit('message_created', { message: message({ type: 'reaction' }) });
    expect(onInbound).not.toHaveBeenCalled();
  });

  it('catches up on every reconnect but not on the first connect, and unbinds', () => {
    const onReconnect = vi.fn();
    const onStatus = vi.fn();
    const socket = new FakeSocket();
    const unbind = bind(socket, createHandlers({ chats: useChatsStore(), messages: useMessagesStore() }), { onReconnect, onStatus });
    socket.emit('connect');
    expect(onReconnect).not.toHaveBeenCalled();
    socket.emit('disconnect');
    socket.emit('connect');
    expect(onReconnect).toHaveBeenCalledTimes(1);
    expect(onStatus.mock.calls.map((c) => c[0])).toEqual(['connected', 'disconnected', 'connected']);
    unbind();
    expect([...socket.handlers.values()].every((s) => s.size === 0)).toBe(true);
  });

  it('notifies for chats that are mine or unassigned only', () => {
    const m = message();
    expect(shouldNotify(m, chat({ assigneeId: null }), 'me')).toBe(true);
    expect(shouldNotify(m, chat({ assigneeId: 'me' }), 'me')).toBe(true);
    expect(shouldNotify(m, chat({ assigneeId: 'other' }), 'me')).toBe(false);
    expect(shouldNotify({ ...m, direction: 'out' }, undefined, 'me')).toBe(false);
  });
});
