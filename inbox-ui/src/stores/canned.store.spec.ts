// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useCannedStore } from './canned.store.js';
import { useTagsStore } from './workspace.store.js';
import { cannedApi, tagsApi } from '../api/workspace.js';

vi.mock('../api/workspace.js', () => ({ cannedApi: { list: vi.fn(), render: vi.fn() }, tagsApi: { list: vi.fn(), patch: vi.fn(), create: vi.fn() } }));

beforeEach(() => {
  setActivePinia(createPinia());
  vi.resetAllMocks();
});

describe('canned store', () => {
  it('searches shortcut prefixes first, then titles and text; renders and counts a use', async () => {
    vi.mocked(cannedApi.list).mockResolvedValue({
      data: [
        { id: '1', shortcut: 'hours', title: 'Opening hours', text: 'We open at 9', usageCount: 0 },
        { id: '2', shortcut: 'thanks', title: null, text: 'Thank you for the hours you spent', usageCount: 3 },
      ],
      nextCursor: null,
    });
    const s = useCannedStore();
    await s.load();
    expect(s.search('ho').map((c) => c.id)).toEqual(['1', '2']);
    expect(s.search('th').map((c) => c.id)).toEqual(['2']);
    expect(s.search('hours').map((c) => c.id)).toEqual(['1', '2']);
    vi.mocked(cannedApi.render).mockResolvedValue({ id: '2', text: 'Thank you Ana', usageCount: 4 });
    expect(await s.render('2', 'chat-1')).toBe('Thank you Ana');
    expect(cannedApi.render).toHaveBeenCalledWith('2', 'chat-1');
    expect(s.items.find((c) => c.id === '2')?.usageCount).toBe(4);
  });
});

describe('tags store', () => {
  it('maps names to colours with a fallback and recolours', async () => {
    vi.mocked(tagsApi.list).mockResolvedValue({ data: [{ id: 't1', name: 'vip', color: '#a855f7' }], nextCursor: null });
    const s = useTagsStore();
    await s.load();
    expect(s.colorOf('vip')).toBe('#a855f7');
    expect(s.colorOf('unknown')).toBe('#64748b');
    vi.mocked(tagsApi.patch).mockResolvedValue({ id: 't1', name: 'vip', color: '#22c55e' });
    await s.recolor('t1', '#22c55e');
    expect(s.colorOf('vip')).toBe('#22c55e');
  });
});
