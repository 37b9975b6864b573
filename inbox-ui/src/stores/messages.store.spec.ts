// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { message } from '../test/fixtures.js';
import { useMessagesStore } from './messages.store.js';
import { chatsApi } from '../api/chats.js';

vi.mock('../api/chats.js', () => ({ chatsApi: { messages: vi.fn(), notes: vi.fn(), send: vi.fn(), addNote: vi.fn() } }));
const api = vi.mocked(chatsApi);

beforeEach(() => {
  setActivePinia(createPinia());
  vi.resetAllMocks();
  api.notes.mockResolvedValue({ data: [], nextCursor: null });
});

describe('messages store', () => {
  it('loads the newest page, then older pages (infinite scroll back), oldest first', async () => {
    const [m1, m2, m3, m4] = [1, 2, 3, 4].map(() => message({ chatId: 'c1' }));
    api.messages.mockResolvedValueOnce({ data: [m4, m3], nextCursor: 'cur' }).mockResolvedValueOnce({ data: [m2, m1], nextCursor: null });
    const s = useMessagesStore();
    await s.loadLatest('c1');
    expect(s.timeline('c1').map((i) => i.kind === 'message' && i.message.id)).toEqual([m3.id, m4.id]);
    expect(await s.loadOlder('c1')).toBe(true);
    expect(api.messages).toHaveBeenLastCalledWith('c1', 'cur');
    expect(s.threads.c1.ids).toEqual([m1.id, m2.id, m3.id, m4.id]);
    expect(s.threads.c1.complete).toBe(true);
    expect(await s.loadOlder('c1')).toBe(false);
  });

  it('inserts live messages into open threads and never moves a status backwards', async () => {
    api.messages.mockResolvedValue({ data: [], nextCursor: null });
    const s = useMessagesStore();
    await s.loadLatest('c1');
    const out = message({ chatId: 'c1', direction: 'out', status: 'queued' });
    s.upsert(out);
    s.upsert({ ...out, status: 'read' });
    s.upsert({ ...out, status: 'delivered' });
    expect(s.byId[out.id].status).toBe('read');
    s.upsert({ ...out, status: 'failed', error: { code: 'X', message: 'boom' } });
    expect(s.byId[out.id].status).toBe('failed');
    s.upsert(message({ chatId: 'other' }));
    expect(s.threads.other).toBeUndefined();
    expect(s.threads.c1.ids).toEqual([out.id]);
  });

  it('shows reactions on their target (latest per side; empty removes) and finds quoted messages', () => {
    const s = useMessagesStore();
    s.thread('c1');
    const target = message({ chatId: 'c1', externalId: 'wamid.T' });
    s.upsert(target);
    s.upsert(message({ chatId: 'c1', type: 'reaction', reactionToId: target.id, text: '👍', content: { reaction: { emoji: '👍' } } }));
    s.upsert(message({ chatId: 'c1', type: 'reaction', reactionToId: target.id, text: '❤️', content: { reaction: { emoji: '❤️' } } }));
    expect(s.reactionsOf(target.id)).toEqual([{ emoji: '❤️', direction: 'in' }]);
    s.upsert(message({ chatId: 'c1', type: 'reaction', reactionToId: target.id, text: '', content: { reaction: { emoji: '' } } }));
    expect(s.reactionsOf(target.id)).toEqual([]);
    expect(s.timeline('c1').filter((i) => i.kind === 'message')).toHaveLength(1);
    const reply = message({ chatId: 'c1', replyToExternalId: 'wamid.T' });
    expect(s.quoted(reply)?.id).toBe(target.id);
  });

  it('merges notes into the timeline and sends through the API', async () => {
    const m = message({ chatId: 'c1', createdAt: '2026-03-01T10:00:00.000Z' });
    api.messages.mockResolvedValue({ data: [m], nextCursor: null });
    api.notes.mockResolvedValue({ data: [{ id: 'n1', chatId: 'c1', authorId: 'u', authorName: 'Ana', text: 'note', createdAt: '2026-03-01T09:00:00.000Z' }], nextCursor: null });
    const s = useMessagesStore();
    await s.loadLatest('c1');
    expect(s.timeline('c1').map((i) => i.kind)).toEqual(['note', 'message']);
    const sent = message({ chatId: 'c1', direction: 'out', status: 'queued' });
    api.send.mockResolvedValue(sent);
    await s.send('c1', { type: 'text', text: 'hi' });
    expect(api.send).toHaveBeenCalledWith('c1', { type: 'text', text: 'hi' });
    expect(s.threads.c1.ids.at(-1)).toBe(sent.id);
  });
});
