// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import I18NextVue from 'i18next-vue';
import { createI18n } from '../i18n/index.js';
import { chat } from '../test/fixtures.js';
import BoardColumnCards from './BoardColumnCards.vue';

// happy-dom lays nothing out: the column body is 500 px tall, a card 100 px
const VIEWPORT = 500;
const CARD = 100;
const size = (el: HTMLElement) => (el.classList.contains('board-column-body') ? VIEWPORT : el.classList.contains('board-card') ? CARD : 0);
const PROPS = ['offsetHeight', 'offsetWidth', 'clientHeight', 'clientWidth'] as const;
const real = Object.fromEntries(PROPS.map((p) => [p, Object.getOwnPropertyDescriptor(HTMLElement.prototype, p) ?? Object.getOwnPropertyDescriptor(Element.prototype, p)]));
beforeEach(() => {
  setActivePinia(createPinia());
  for (const p of PROPS) Object.defineProperty(HTMLElement.prototype, p, { configurable: true, get(this: HTMLElement) { return p.endsWith('Width') ? 300 : size(this); } });
});
afterEach(() => {
  for (const p of PROPS) {
    const d = real[p];
    if (d) Object.defineProperty(HTMLElement.prototype, p, d);
    else delete (HTMLElement.prototype as unknown as Record<string, unknown>)[p];
  }
});

const stages = [{ id: 's1', funnelId: 'f1', name: 'New', position: 0 }, { id: 's2', funnelId: 'f1', name: 'Won', position: 1 }] as never[];

async function render(n: number) {
  const chats = Array.from({ length: n }, () => chat({ stageId: 's1' }));
  const i18next = await createI18n('en');
  const w = mount(BoardColumnCards, {
    props: { chats, stages, firstStageId: 's1', draggingId: null, emptyText: 'No chats', moveLabel: 'Move to stage' },
    global: { plugins: [[I18NextVue, { i18next }]] },
  });
  await flushPromises();
  await new Promise((r) => setTimeout(r, 20));
  return { w, chats };
}

describe('BoardColumnCards (virtualised)', () => {
  it('renders only the cards in view of a 100-card column and the rest on scroll', async () => {
    const { w, chats } = await render(100);
    const cards = () => w.findAll('.board-card');
    expect(cards().length).toBeGreaterThan(3);
    expect(cards().length).toBeLessThan(VIEWPORT / CARD + 2 * 6 + 2);
    expect(cards()[0].text()).toContain(chats[0].contact.name);
    const el = w.find('.board-column-body').element as HTMLElement;
    el.scrollTop = 100 * (CARD + 8) - VIEWPORT;
    el.dispatchEvent(new Event('scroll'));
    await new Promise((r) => setTimeout(r, 20));
    const shown = (id: string) => w.find(`[data-chat-id="${id}"]`).exists();
    expect(shown(chats[99].id)).toBe(true);
    expect(shown(chats[0].id)).toBe(false);
    w.unmount();
  });

  it('opens, moves and drags the chat of the card', async () => {
    const { w, chats } = await render(2);
    await w.findAll('.board-card')[1].trigger('click');
    await w.findAll('.board-card')[0].trigger('keydown', { key: 'Enter' });
    await w.findAll('.board-move')[0].setValue('s2');
    await w.findAll('.board-card')[1].trigger('dragstart');
    expect(w.emitted('open')).toEqual([[chats[1].id], [chats[0].id]]);
    expect(w.emitted('move')).toEqual([[chats[0].id, 's2']]);
    expect(w.emitted('dragstart')![0][1]).toBe(chats[1].id);
    w.unmount();
  });

  it('shows the empty text without cards', async () => {
    const { w } = await render(0);
    expect(w.find('.board-empty').text()).toBe('No chats');
    w.unmount();
  });
});
