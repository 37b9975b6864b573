// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { chat } from '../test/fixtures.js';
import { matchesFilters, useChatsStore } from './chats.store.js';
import { chatsApi } from '../api/chats.js';

vi.mock('../api/chats.js', () => ({ chatsApi: { list: vi.fn(), patch: vi.fn(), markRead: vi.fn(), bulk: vi.fn(), get: vi.fn() } }));
const api = vi.mocked(chatsApi);

beforeEach(() => {
  setActivePinia(createPinia());
  vi.resetAllMocks();
});

describe('matchesFilters', () => {
  it('applies status, assignee (me / none / id), tag, stage, unread and dates', () => {
    const c = chat({ status: 'pending', assigneeId: 'u1', tags: ['vip'], stageId: 's2', unreadCount: 2, lastMessageAt: '2026-03-02T12:00:00Z' });
    expect(matchesFilters(c, { status: 'pending', assigneeId: 'me', tag: 'vip', stageId: 's2', unread: true }, 'u1')).toBe(true);
    expect(matchesFilters(c, { assigneeId: 'none' }, 'u1')).toBe(false);
    expect(matchesFilters(c, { assigneeId: 'u2' }, 'u1')).toBe(false);
    expect(matchesFilters(c, { status: 'open' }, null)).toBe(false);
    expect(matchesFilters(c, { from: '2026-03-03' }, null)).toBe(false);
    expect(matchesFilters(c, { to: '2026-03-03' }, null)).toBe(true);
    expect(matchesFilters({ ...c, unreadCount: 0 }, { unread: true }, null)).toBe(false);
  });
});

describe('chats store', () => {
  it('loads a filtered list and places live chats by activity, dropping ones that stop matching', async () => {
    const a = chat({ lastMessageAt: '2026-03-01T10:00:00Z' });
    const b = chat({ lastMessageAt: '2026-03-01T09:00:00Z' });
    api.list.mockResolvedValue({ data: [a, b], nextCursor: null });
    const s = useChatsStore();
    await s.loadList({ status: 'open' });
    expect(api.list).toHaveBeenCalledWith({ status: 'open' });
    expect(s.list.map((c) => c.id)).toEqual([a.id, b.id]);

    const fresh = chat({ lastMessageAt: '2026-03-01T11:00:00Z', unreadCount: 3 });
    s.upsert(fresh);
    expect(s.list.map((c) => c.id)).toEqual([fresh.id, a.id, b.id]);
    expect(s.totalUnread).toBe(3);

    s.upsert({ ...a, status: 'resolved', updatedAt: '2026-03-01T12:00:00Z' });
    expect(s.list.map((c) => c.id)).toEqual([fresh.id, b.id]);
  });

  it('ignores stale updates', () => {
    const s = useChatsStore();
    const c = chat({ updatedAt: '2026-03-01T12:00:00Z', status: 'pending' });
    s.upsert(c);
    s.upsert({ ...c, status: 'open', updatedAt: '2026-03-01T11:00:00Z' });
    expect(s.byId[c.id].status).toBe('pending');
  });

  it('patches optimistically and rolls back on failure', async () => {
    const s = useChatsStore();
    const c = chat();
    s.upsert(c);
    let reject!: (e: Error) => void;
    api.patch.mockReturnValue(new Promise((_, r) => (reject = r)));
    const p = s.patch(c.id, { stageId: 'st-9' });
    expect(s.byId[c.id].stageId).toBe('st-9');
    reject(new Error('nope'));
    await expect(p).rejects.toThrow('nope');
    expect(s.byId[c.id].stageId).toBe('st-1');
  });

  it('marks read locally at once and only when there is something unread', async () => {
    const s = useChatsStore();
    const c = chat({ unreadCount: 2 });
    s.upsert(c);
    api.markRead.mockResolvedValue({ ...c, unreadCount: 0, updatedAt: '2030-01-01T00:00:00Z' });
    const p = s.markRead(c.id);
    expect(s.byId[c.id].unreadCount).toBe(0);
    await p;
    await s.markRead(c.id);
    expect(api.markRead).toHaveBeenCalledTimes(1);
  });

  it('groups chats by stage for the board (no stage = first stage)', () => {
    const s = useChatsStore();
    s.upsert(chat({ stageId: 's1' }));
    s.upsert(chat({ stageId: null }));
    s.upsert(chat({ stageId: 's2' }));
    expect(s.byStage('s1', 's1')).toHaveLength(2);
    expect(s.byStage('s2', 's1')).toHaveLength(1);
  });
});
