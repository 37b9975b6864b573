// @vitest-environment happy-dom
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import I18NextVue from 'i18next-vue';
import type { i18n } from 'i18next';
import { createI18n } from '../i18n/index.js';
import { chat, message } from '../test/fixtures.js';
import { ApiError } from '@parley/ui-kit';
import { chatsApi } from '../api/chats.js';
import { templatesApi, type MessageTemplate } from '../api/templates.js';
import { fill, missingFields, placeholders, prefill, resolveContact, templateMessage, templateShape } from '../utils/templates.js';
import TemplatePicker from './TemplatePicker.vue';
import Composer from './Composer.vue';
import list from '../../../testing/fixtures/channels/whatsapp/template_list_response_full__meta_docs.json';
import namedSend from '../../../testing/fixtures/channels/whatsapp/send_template_named_params_request__meta_docs.json';

vi.mock('../api/templates.js', () => ({ templatesApi: { list: vi.fn() } }));
vi.mock('../api/chats.js', () => ({ chatsApi: { send: vi.fn(), list: vi.fn(), get: vi.fn(), patch: vi.fn(), markRead: vi.fn(), bulk: vi.fn(), messages: vi.fn() } }));
const tplApi = vi.mocked(templatesApi);
const chats = vi.mocked(chatsApi);

/** The two approved templates of the Graph API list fixture, as the Parley endpoint answers them. */
const TEMPLATES: MessageTemplate[] = (list.data as any[]).map((x) => ({
  name: x.name, language: x.language, category: x.category, status: x.status, components: x.components, bodyParams: placeholders(x.components.find((c: any) => c.type === 'BODY').text).length,
}));
const [reservation, coupon] = TEMPLATES;
const simple: MessageTemplate = { name: 'hello_again', language: 'en', category: 'UTILITY', status: 'APPROVED', components: [{ type: 'BODY', text: 'Hi {{1}}, we have news about order {{2}}.' }], bodyParams: 2 };

let i18next: i18n;
beforeAll(async () => {
  i18next = await createI18n('en');
});
beforeEach(() => {
  setActivePinia(createPinia());
  vi.resetAllMocks();
});

const customer = chat({ contact: { id: 'k1', name: 'Marta Silva', phone: '+351912000001', avatarUrl: null }, lastInboundAt: '2026-01-01T10:00:00Z' });

describe('template helpers', () => {
  it('finds named and positional placeholders (positional in number order)', () => {
    expect(placeholders('{{2}} then {{1}} and {{1}}')).toEqual(['1', '2']);
    expect(placeholders(reservation.components[1].text)).toEqual(['number_of_guests', 'day', 'date', 'time']);
    expect(templateShape(coupon)).toMatchObject({ header: { format: 'TEXT', params: ['1'] }, body: { params: ['1', '2'] }, footer: 'Lucky Shrub Succulents', buttons: ['See deals', 'Unsubscribe'] });
    expect(templateShape(reservation).header).toEqual({ format: 'IMAGE' });
  });

  it('builds the Graph API send components: named parameters with parameter_name, positional without', () => {
    const named = { name: 'order_confirmation', language: 'en_US', category: 'UTILITY', status: 'APPROVED', components: [{ type: 'BODY', text: 'Hi {{first_name}}, order {{order_number}}' }], bodyParams: 2 };
    expect(templateMessage(named, { 'body:first_name': 'Jessica', 'body:order_number': 'SKBUP2-4CPIG9' }, customer)).toEqual({
      name: 'order_confirmation', language: 'en_US', components: namedSend.template.components,
    });
    expect(templateMessage(coupon, { 'header:1': '{{contact.firstName}}', 'body:1': 'SUMMER20', 'body:2': '10' }, customer).components).toEqual([
      { type: 'header', parameters: [{ type: 'text', text: 'Marta' }] },
      { type: 'body', parameters: [{ type: 'text', text: 'SUMMER20' }, { type: 'text', text: '10' }] },
    ]);
    expect(templateMessage(reservation, { 'header:media': ' https://example.test/table.jpg ', 'body:number_of_guests': '4', 'body:day': 'Sat', 'body:date': 'Aug 30', 'body:time': '7:30 pm' }, customer).components![0]).toEqual({
      type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.test/table.jpg' } }],
    });
    expect(templateMessage({ ...simple, components: [{ type: 'BODY', text: 'No variables' }], bodyParams: 0 }, {}, customer)).toEqual({ name: 'hello_again', language: 'en' });
  });

  it('prefills name-like placeholders, resolves {{contact.*}}, previews and lists what is missing', () => {
    const named = templateShape({ ...simple, components: [{ type: 'BODY', text: 'Hi {{first_name}}, code {{code}}' }] });
    expect(prefill(named, customer)).toEqual({ 'body:first_name': 'Marta', 'body:code': '' });
    expect(resolveContact('{{contact.name}} / {{contact.phone}} / {{other}}', customer)).toBe('Marta Silva / +351912000001 / {{other}}');
    expect(fill('Hi {{1}}, order {{2}}', 'body', { 'body:1': '{{contact.firstName}}' }, customer)).toBe('Hi Marta, order {{2}}');
    expect(missingFields(templateShape(reservation), { 'header:media': 'not a link', 'body:number_of_guests': '4' })).toEqual(['header:media', 'body:day', 'body:date', 'body:time']);
  });
});

const mountPicker = () => mount(TemplatePicker, { props: { chat: customer }, global: { plugins: [[I18NextVue, { i18next }]] } });

describe('TemplatePicker', () => {
  it('lists the channel\'s templates, filters them, fills, previews and sends a template message', async () => {
    tplApi.list.mockResolvedValue([...TEMPLATES, simple]);
    chats.send.mockResolvedValue(message({ chatId: customer.id, direction: 'out', type: 'template' }));
    const w = mountPicker();
    await flushPromises();
    expect(tplApi.list).toHaveBeenCalledWith(customer.channelId);
    expect(w.findAll('.template-option')).toHaveLength(3);
    await w.find('[data-testid=template-search]').setValue('coupon');
    expect(w.findAll('.template-option').map((b) => b.attributes('data-template'))).toEqual(['coupon_expiration_reminder_number_vars']);
    await w.find('[data-testid=template-search]').setValue('news about');
    await w.find('[data-template=hello_again]').trigger('click');
    expect(w.find('[data-testid=template-send]').attributes('disabled')).toBeDefined();
    expect(w.find('[data-testid=template-missing]').text()).toBe('2 fields left to fill');
    await w.find('[data-field="body:1"]').setValue('{{contact.firstName}}');
    await w.find('[data-field="body:2"]').setValue('#1042');
    expect(w.find('[data-testid=template-preview]').text()).toContain('Hi Marta, we have news about order #1042.');
    expect(w.find('[data-testid=template-send]').attributes('disabled')).toBeUndefined();
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(chats.send).toHaveBeenCalledWith(customer.id, {
      type: 'template', template: { name: 'hello_again', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Marta' }, { type: 'text', text: '#1042' }] }] },
    });
    expect(w.emitted('sent')).toHaveLength(1);
  });

  it('shows the header, footer and buttons in the preview, and a media link field for media headers', async () => {
    tplApi.list.mockResolvedValue(TEMPLATES);
    const w = mountPicker();
    await flushPromises();
    await w.find('[data-template=reservation_confirmation]').trigger('click');
    expect(w.find('[data-field="header:media"]').attributes('type')).toBe('url');
    const preview = w.find('[data-testid=template-preview]').text();
    expect(preview).toContain('[Image]');
    expect(preview).toContain('Lucky Shrub Eatery: The Luckiest Eatery in Town!');
    expect(preview).toContain('Cancel reservation');
    await w.find('[data-testid=template-change]').trigger('click');
    expect(w.findAll('.template-option')).toHaveLength(2);
  });

  it('says when the channel has no templates, and shows the server\'s refusal of a send', async () => {
    tplApi.list.mockResolvedValueOnce([]);
    const w = mountPicker();
    await flushPromises();
    expect(w.find('[data-testid=template-none]').exists()).toBe(true);

    tplApi.list.mockResolvedValue([simple]);
    chats.send.mockRejectedValue(new ApiError(422, 'VALIDATION_FAILED', 'template.language is required'));
    const w2 = mountPicker();
    await flushPromises();
    await w2.find('[data-template=hello_again]').trigger('click');
    await w2.find('[data-field="body:1"]').setValue('Ana');
    await w2.find('[data-field="body:2"]').setValue('1');
    await w2.find('form').trigger('submit');
    await flushPromises();
    expect(w2.find('[role=alert]').text()).toContain('template.language is required');
    expect(w2.emitted('sent')).toBeUndefined();
  });

  it('shows a load failure with a retry', async () => {
    tplApi.list.mockRejectedValueOnce(new ApiError(502, 'CHANNEL_PROVIDER_UNAVAILABLE', 'Graph API unavailable')).mockResolvedValue([simple]);
    const w = mountPicker();
    await flushPromises();
    expect(w.find('[role=alert]').text()).toContain('Graph API unavailable');
    await w.find('[role=alert] button').trigger('click');
    await flushPromises();
    expect(w.findAll('.template-option')).toHaveLength(1);
  });
});

describe('Composer with the window closed', () => {
  it('offers "Send a template" only while the window is closed, and closes the picker after a send', async () => {
    tplApi.list.mockResolvedValue([simple]);
    chats.send.mockResolvedValue(message({ chatId: customer.id, direction: 'out', type: 'template' }));
    const w = mount(Composer, { props: { chat: customer, windowClosed: true }, global: { plugins: [[I18NextVue, { i18next }]] } });
    expect(w.find('[data-testid=composer-input]').attributes('disabled')).toBeDefined();
    await w.find('[data-testid=template-open]').trigger('click');
    await flushPromises();
    await w.find('[data-template=hello_again]').trigger('click');
    await w.find('[data-field="body:1"]').setValue('Ana');
    await w.find('[data-field="body:2"]').setValue('7');
    await w.find('[data-testid=template-form]').trigger('submit');
    await flushPromises();
    expect(chats.send).toHaveBeenCalledTimes(1);
    expect(w.find('[data-testid=template-picker]').exists()).toBe(false);
    expect(w.emitted('sent')).toHaveLength(1);
    await w.setProps({ windowClosed: false } as Record<string, unknown>);
    expect(w.find('[data-testid=template-open]').exists()).toBe(false);
  });
});
