// @vitest-environment happy-dom
import { beforeAll, describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import I18NextVue from 'i18next-vue';
import type { i18n } from 'i18next';
import { createI18n } from '../../i18n/index.js';
import { message } from '../../test/fixtures.js';
import type { Message } from '../../api/types.js';
import { BUBBLES, bubbleFor } from './index.js';
import Audio from './Audio.vue';
import Contacts from './Contacts.vue';
import Document from './Document.vue';
import Image from './Image.vue';
import Interactive from './Interactive.vue';
import Location from './Location.vue';
import Reaction from './Reaction.vue';
import Sticker from './Sticker.vue';
import Template from './Template.vue';
import Text from './Text.vue';
import Unsupported from './Unsupported.vue';
import Video from './Video.vue';
import MessageBubble from '../MessageBubble.vue';
import { useMessagesStore } from '../../stores/messages.store.js';

let i18next: i18n;
beforeAll(async () => {
  i18next = await createI18n('en');
});

const render = (component: any, m: Message) => mount(component, { props: { message: m }, global: { plugins: [[I18NextVue, { i18next }]] } });
const media = (over: Partial<NonNullable<Message['media']>> = {}) => ({ url: 'http://localhost:3000/api/v1/media/f1?sig=abc', mimeType: 'image/jpeg', size: 2048, state: 'stored' as const, ...over });

describe('bubbles', () => {
  it('has one component per message type', () => {
    for (const type of ['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'interactive', 'button', 'template', 'reaction', 'system', 'unsupported']) {
      expect(BUBBLES[type as keyof typeof BUBBLES]).toBeTruthy();
    }
    expect(bubbleFor('something-new')).toBe(Unsupported);
  });

  it('Text turns links into safe anchors and keeps markup as text', () => {
    const w = render(Text, message({ text: 'See https://example.com/a?b=1. <b>bold</b>' }));
    const a = w.get('a');
    expect(a.attributes('href')).toBe('https://example.com/a?b=1');
    expect(a.attributes('rel')).toContain('noopener');
    expect(w.text()).toContain('<b>bold</b>');
    expect(w.find('b').exists()).toBe(false);
  });

  it('Image previews from the inbox origin, opens a full view, and shows the caption', async () => {
    const w = render(Image, message({ type: 'image', text: 'My bike', media: media({ caption: 'My bike' }) }));
    expect(w.get('img').attributes('src')).toBe('/api/v1/media/f1?sig=abc');
    expect(w.text()).toContain('My bike');
    await w.get('button.image-button').trigger('click');
    expect(w.find('.lightbox img').exists()).toBe(true);
  });

  it('Image shows a pending or failed download', () => {
    expect(render(Image, message({ type: 'image', media: media({ url: null, state: 'pending' }) })).text()).toContain('Downloading');
    expect(render(Image, message({ type: 'image', media: media({ url: null, state: 'failed' }) })).text()).toContain('could not be downloaded');
  });

  it('Audio and Video render players', () => {
    expect(render(Audio, message({ type: 'audio', media: media({ mimeType: 'audio/ogg', voice: true }) })).get('audio').attributes('controls')).toBeDefined();
    expect(render(Video, message({ type: 'video', media: media({ mimeType: 'video/mp4' }) })).get('video').attributes('src')).toBe('/api/v1/media/f1?sig=abc');
  });

  it('Document shows the name, size and a download link', () => {
    const w = render(Document, message({ type: 'document', media: media({ filename: 'invoice.pdf', mimeType: 'application/pdf', size: 250_000 }) }));
    expect(w.text()).toContain('invoice.pdf');
    expect(w.text()).toMatch(/244 kB|244 KB/);
    expect(w.get('.doc-icon').text()).toBe('PDF');
    expect(w.get('a').attributes('download')).toBe('invoice.pdf');
  });

  it('Sticker shows the picture without a caption', () => {
    expect(render(Sticker, message({ type: 'sticker', media: media({ mimeType: 'image/webp' }) })).find('img').exists()).toBe(true);
  });

  it('Location shows coordinates and a map link', () => {
    const w = render(Location, message({ type: 'location', content: { latitude: 38.7223, longitude: -9.1393, name: 'Shop', address: 'Rua Augusta' } }));
    expect(w.text()).toContain('38.72230, -9.13930');
    expect(w.text()).toContain('Rua Augusta');
    expect(w.get('a').attributes('href')).toContain('mlat=38.7223');
  });

  it('Contacts shows each shared card with phones', () => {
    const w = render(Contacts, message({ type: 'contacts', content: { contacts: [{ name: { formatted_name: 'John Doe' }, phones: [{ phone: '+1 555 0100' }], emails: [{ email: 'j@x.test' }] }] } }));
    expect(w.text()).toContain('John Doe');
    expect(w.get('a[href^="tel:"]').text()).toBe('+1 555 0100');
  });

  it('Interactive shows outbound buttons and inbound replies', () => {
    const outbound = render(Interactive, message({ type: 'interactive', direction: 'out', text: 'Pick one', content: { interactive: { kind: 'buttons', body: 'Pick one', buttons: [{ id: 'a', title: 'Yes' }, { id: 'b', title: 'No' }] } } }));
    expect(outbound.findAll('.interactive-button').map((b) => b.text())).toEqual(['Yes', 'No']);
    const reply = render(Interactive, message({ type: 'interactive', text: 'Yes', content: { replyType: 'button_reply', id: 'a', title: 'Yes' } }));
    expect(reply.text()).toContain('Button reply');
    expect(reply.text()).toContain('Yes');
  });

  it('Template shows its name, language and buttons', () => {
    const w = render(Template, message({ type: 'template', direction: 'out', content: { template: { name: 'order_ready', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: '#123' }] }, { type: 'BUTTONS', buttons: [{ text: 'Track' }] }] } } }));
    expect(w.text()).toContain('order_ready');
    expect(w.text()).toContain('en_US');
    expect(w.text()).toContain('#123');
    expect(w.get('.interactive-button').text()).toBe('Track');
  });

  it('Reaction and Unsupported', () => {
    expect(render(Reaction, message({ type: 'reaction', text: '🔥', content: { reaction: { emoji: '🔥' } } })).text()).toBe('🔥');
    expect(render(Unsupported, message({ type: 'unsupported', content: { providerType: 'poll' } })).text()).toContain('(poll)');
  });
});

describe('MessageBubble', () => {
  it('shows ticks, a quoted reply, reactions and failures with retry', async () => {
    setActivePinia(createPinia());
    const store = useMessagesStore();
    store.thread('c1');
    const original = message({ chatId: 'c1', text: 'Is it in stock?', externalId: 'wamid.O' });
    store.upsert(original);
    store.upsert(message({ chatId: 'c1', type: 'reaction', reactionToId: original.id, content: { reaction: { emoji: '👍' } }, text: '👍', direction: 'out' }));
    const mount2 = (m: Message) => mount(MessageBubble, { props: { message: m, senderName: 'Ana' }, global: { plugins: [[I18NextVue, { i18next }]] } });

    const reply = message({ chatId: 'c1', direction: 'out', status: 'read', replyToExternalId: 'wamid.O', text: 'Yes!' });
    const w = mount2(reply);
    expect(w.get('.ticks').attributes('data-status')).toBe('read');
    expect(w.get('.ticks').attributes('title')).toBe('Read');
    expect(w.get('.msg-quote').text()).toContain('Is it in stock?');
    expect(w.text()).toContain('Ana');

    expect(mount2(original).get('.reaction').text()).toBe('👍');

    const failed = mount2(message({ chatId: 'c1', direction: 'out', status: 'failed', error: { code: 'RECIPIENT_UNREACHABLE', message: 'Message undeliverable' } }));
    expect(failed.get('[role=alert]').text()).toContain('Message undeliverable');
    await failed.get('[role=alert] button').trigger('click');
    expect(failed.emitted('retry')).toHaveLength(1);
  });
});
