// @vitest-environment happy-dom
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import I18NextVue from 'i18next-vue';
import type { i18n } from 'i18next';
import { createI18n } from '../i18n/index.js';
import { chat } from '../test/fixtures.js';
import type { Chat } from '../api/types.js';
import { chatsApi } from '../api/chats.js';
import ChatList from './ChatList.vue';

vi.mock('../api/chats.js', () => ({ chatsApi: { list: vi.fn(), patch: vi.fn(), markRead: vi.fn(), bulk: vi.fn(), get: vi.fn() } }));
const api = vi.mocked(chatsApi);

let i18next: i18n;
beforeAll(async () => {
  i18next = await createI18n('en');
});

// happy-dom lays nothing out: give the scroller a 600 px viewport and every row 78 px
const VIEWPORT = 600;
const ROW = 78;
const size = (el: HTMLElement) => (el.classList.contains('chat-list') ? VIEWPORT : el.classList.contains('chat-list-item') ? ROW : 0);
// the virtualizer reads the viewport from clientHeight/clientWidth and rows from offsetHeight
const PROPS = ['offsetHeight', 'offsetWidth', 'clientHeight', 'clientWidth'] as const;
const real = Object.fromEntries(PROPS.map((p) => [p, Object.getOwnPropertyDescriptor(HTMLElement.prototype, p) ?? Object.getOwnPropertyDescriptor(Element.prototype, p)]));
const realRect = HTMLElement.prototype.getBoundingClientRect;
beforeEach(() => {
  setActivePinia(createPinia());
  vi.resetAllMocks();
  for (const p of PROPS) {
    Object.defineProperty(HTMLElement.prototype, p, { configurable: true, get(this: HTMLElement) { return p.endsWith('Width') ? 800 : size(this); } });
  }
  HTMLElement.prototype.getBoundingClientRect = function (this: HTMLElement) {
    const h = size(this);
    return { x: 0, y: 0, top: 0, left: 0, bottom: h, right: 800, width: 800, height: h, toJSON: () => ({}) } as DOMRect;
  };
});
afterEach(() => {
  for (const p of PROPS) {
    const d = real[p];
    if (d) Object.defineProperty(HTMLElement.prototype, p, d);
    else delete (HTMLElement.prototype as unknown as Record<string, unknown>)[p];
  }
  HTMLElement.prototype.getBoundingClientRect = realRect;
});

/** 1,000 chats newest first, served 50 per page with a cursor (the API's paging). */
function serve(total = 1000): Chat[] {
  const all = Array.from({ length: total }, () => chat()).reverse();
  api.list.mockImplementation(async (_f, cursor) => {
    const start = cursor ? Number(cursor) : 0;
    return { data: all.slice(start, start + 50), nextCursor: start + 50 < total ? String(start + 50) : null };
  });
  return all;
}

async function render() {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/chats', name: 'list', component: ChatList }, { path: '/chats/:id', name: 'chat', component: { template: '<div />' } }] });
  await router.push('/chats');
  await router.isReady();
  const w = mount(ChatList, { attachTo: document.body, global: { plugins: [router, [I18NextVue, { i18next }]] } });
  await flushPromises();
  await new Promise((r) => setTimeout(r, 20));
  await flushPromises();
  return w;
}

describe('ChatList (virtualised)', () => {
  it('renders only the rows in view, whatever the number of chats loaded', async () => {
    const all = serve();
    const w = await render();
    const rows = w.findAll('.chat-list-item');
    expect(rows.length).toBeGreaterThan(VIEWPORT / ROW - 1);
    expect(rows.length).toBeLessThan(VIEWPORT / ROW + 2 * 8 + 2);
    expect(rows[0].text()).toContain(all[0].contact.name);
    expect(rows[0].attributes('aria-posinset')).toBe('1');
    // the spacer is as tall as every loaded row
    expect(w.find('.chat-list-rows').attributes('style')).toContain(`height: ${50 * ROW}px`);
    w.unmount();
  });

  it('loads the next page when scrolled near the end and shows later rows in place of the first', async () => {
    const all = serve();
    const w = await render();
    expect(api.list).toHaveBeenCalledTimes(1);
    const el = w.find('[data-testid=chat-list]').element as HTMLElement;
    el.scrollTop = 50 * ROW - VIEWPORT;
    el.dispatchEvent(new Event('scroll'));
    await flushPromises();
    await new Promise((r) => setTimeout(r, 20));
    await flushPromises();
    expect(api.list).toHaveBeenCalledTimes(2);
    expect(api.list.mock.calls[1][1]).toBe('50');
    const shown = (id: string) => w.find(`.chat-list-item [data-chat-id="${id}"]`).exists();
    expect(shown(all[49].id)).toBe(true);
    expect(shown(all[0].id)).toBe(false);
    expect(w.findAll('.chat-list-item').length).toBeLessThan(VIEWPORT / ROW + 2 * 8 + 2);
    w.unmount();
  });

  it('selects every loaded chat with "select all" and sends them to the bulk endpoint', async () => {
    const all = serve(120);
    api.bulk.mockResolvedValue({ data: [], nextCursor: null });
    const w = await render();
    await w.find('[data-testid=select-all]').setValue(true);
    expect(w.find('[data-testid=bulk-bar]').text()).toContain('50 selected');
    await w.find('[data-testid=bulk-status]').setValue('resolved');
    await flushPromises();
    expect(api.bulk).toHaveBeenCalledWith({ chatIds: all.slice(0, 50).map((c) => c.id), status: 'resolved' });
    w.unmount();
  });
});
