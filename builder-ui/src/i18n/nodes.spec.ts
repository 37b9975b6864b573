// @vitest-environment happy-dom
import { beforeAll, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import I18NextVue from 'i18next-vue';
import type { i18n } from 'i18next';
import { createI18n } from './index.js';
import { fieldKey, fieldTitle, localizeType, nodeDescription, nodeLabel, optionLabel, type Translate } from './nodes.js';
import { NODE_TYPES } from '../test/fixtures.js';
import SchemaForm from '../components/form/SchemaForm.vue';
import en from './locales/nodes/en.js';
import es from './locales/nodes/es.js';
import ptBR from './locales/nodes/pt-BR.js';
import ar from './locales/nodes/ar.js';

let i18next: i18n;
beforeAll(async () => {
  i18next = await createI18n('en');
});
const tIn = (lng: string) => i18next.getFixedT(lng) as unknown as Translate;
const def = (type: string) => NODE_TYPES.find((n) => n.type === type)!;

describe('translated node types', () => {
  it('translates labels and descriptions by node type, in every shipped language', () => {
    expect(nodeLabel(tIn('es'), def('trigger.keyword'))).toBe('Palabra clave');
    expect(nodeLabel(tIn('pt-BR'), def('ask.question'))).toBe('Fazer uma pergunta');
    expect(nodeLabel(tIn('ar'), def('logic.condition'))).toBe('شرط');
    expect(nodeDescription(tIn('es'), def('send.text'))).toContain('Envía un mensaje de texto');
  });

  it("falls back to the server's label and description (English, plugin nodes, types added later)", () => {
    expect(nodeLabel(tIn('en'), def('trigger.keyword'))).toBe('Keyword');
    expect(nodeDescription(tIn('en'), def('send.text'))).toBe('Sends a text');
    const plugin = def('acme.greet');
    expect(localizeType(tIn('es'), plugin)).toBe(plugin); // the same object: nothing to translate
    expect(nodeLabel(tIn('ar'), { type: 'core.added_later', label: 'Added later' })).toBe('Added later');
  });

  it('titles config fields by node type, then the shared title, then the schema title or property name', () => {
    expect(fieldKey('options.2.title')).toBe('options.title');
    expect(fieldTitle(tIn('es'), 'send.template', 'name', 'Name')).toBe('Nombre de la plantilla'); // the type's own
    expect(fieldTitle(tIn('es'), 'ask.question', 'options.0.title', 'Title')).toBe('Título'); // shared
    expect(fieldTitle(tIn('pt-BR'), 'logic.business_hours', 'hours.mon.1.from', 'From')).toBe('De');
    expect(fieldTitle(tIn('en'), 'ask.question', 'timeoutSeconds', 'Timeout seconds')).toBe('Timeout (seconds)');
    expect(fieldTitle(tIn('ar'), 'acme.greet', 'greeting', 'Greeting')).toBe('Greeting'); // plugin field: schema title / name
  });

  it('labels select options by value in the other languages; English shows the value as it is', () => {
    expect(optionLabel(tIn('es'), 'logic.condition', 'groups.0.rules.1.op', 'not_contains')).toBe('no contiene');
    expect(optionLabel(tIn('pt-BR'), 'chat.assign', 'strategy', 'round_robin')).toBe('rodízio');
    expect(optionLabel(tIn('ar'), 'time.delay', 'unit', 'minutes')).toBe('دقائق');
    expect(optionLabel(tIn('en'), 'chat.assign', 'strategy', 'round_robin')).toBe('round robin');
    expect(optionLabel(tIn('es'), 'http.request', 'method', 'PATCH')).toBe('PATCH'); // no translation: the value
    expect(Object.keys(ptBR.options).sort()).toEqual(Object.keys(es.options).sort());
    expect(Object.keys(ar.options).sort()).toEqual(Object.keys(es.options).sort());
  });

  it('translates the event, regex and API triggers and the capture kinds of ask.question with their settings', () => {
    const triggers = ['trigger.regex', 'trigger.chat_assigned', 'trigger.status_changed', 'trigger.tag_added', 'trigger.contact_field_changed', 'trigger.api'];
    const captures = ['date', 'choice', 'image', 'video', 'audio', 'document', 'location', 'contact'];
    for (const [lng, res] of [['es', es], ['pt-BR', ptBR], ['ar', ar]] as const) {
      const t = tIn(lng);
      for (const type of triggers) expect([lng, nodeLabel(t, { type, label: 'server' }), nodeDescription(t, { type, description: 'server' })]).not.toContain('server');
      for (const v of captures) expect([lng, v, (res.options as Record<string, string>)[v]]).toEqual([lng, v, optionLabel(t, 'ask.question', 'capture', v)]); // 'audio' is 'audio' in Spanish
      for (const v of ['DMY', 'MDY']) expect([lng, optionLabel(t, 'ask.question', 'dateOrder', v)]).not.toEqual([lng, v]);
      for (const f of ['options', 'listOptions', 'dateOrder', 'timezone']) expect([lng, fieldTitle(t, 'ask.question', f, 'server')]).not.toEqual([lng, 'server']);
    }
    expect(optionLabel(tIn('es'), 'ask.question', 'capture', 'location')).toBe('ubicación');
    expect(optionLabel(tIn('ar'), 'ask.question', 'capture', 'video')).toBe('فيديو');
    expect(optionLabel(tIn('pt-BR'), 'ask.question', 'dateOrder', 'MDY')).toBe('mês/dia/ano');
    expect(optionLabel(tIn('en'), 'ask.question', 'dateOrder', 'DMY')).toBe('day/month/year'); // English labels the codes too
    expect(optionLabel(tIn('en'), 'ask.question', 'capture', 'document')).toBe('document');
    expect(fieldTitle(tIn('ar'), 'ask.question', 'timezone', 'Timezone')).toBe('المنطقة الزمنية للتواريخ النسبية (اليوم، غدًا)');
    expect(fieldTitle(tIn('es'), 'ask.question', 'options.0.title', 'Title')).toBe('Título'); // the list's items keep the shared titles
    expect(nodeLabel(tIn('ar'), { type: 'trigger.status_changed', label: 'Chat status changed' })).not.toBe('Chat status changed');
  });

  it('has the same node types and field titles in every language', () => {
    const keys = (o: { nodeTypes: Record<string, unknown>; fields: Record<string, string> }) => ({ fields: Object.keys(o.fields).sort() });
    for (const l of [es, ptBR, ar]) {
      expect(keys(l)).toEqual(keys(en));
      expect(Object.keys(l.nodeTypes).sort()).toEqual(Object.keys(es.nodeTypes).sort());
      for (const [type, v] of Object.entries(l.nodeTypes)) expect([type, Boolean(v.label && v.description)]).toEqual([type, true]);
    }
    // type-specific English titles exist in the other languages too
    for (const [type, v] of Object.entries(en.nodeTypes)) for (const f of Object.keys(v.fields)) for (const l of [es, ptBR, ar]) expect((l.nodeTypes as Record<string, { fields?: Record<string, string> }>)[type].fields?.[f]).toBeTruthy();
  });

  it('shows translated field titles in the node form, and follows the language', async () => {
    await i18next.changeLanguage('es');
    const w = mount(SchemaForm, { props: { nodeType: def('ask.question'), config: { question: '', capture: 'text', variable: 'answer' }, variables: [] }, global: { plugins: [[I18NextVue, { i18next }]] } });
    expect(w.find('[data-field=question] .field-label').text()).toContain('Pregunta');
    expect(w.find('[data-field=retries] .field-label').text()).toContain('Reintentos');
    expect(w.findAll('select#f-capture option').map((o) => o.text())).toEqual(['texto', 'número', 'correo electrónico', 'teléfono']);
    await i18next.changeLanguage('ar');
    await flushPromises();
    expect(w.find('[data-field=question] .field-label').text()).toContain('السؤال');
    const plugin = mount(SchemaForm, { props: { nodeType: def('acme.greet'), config: {}, variables: [] }, global: { plugins: [[I18NextVue, { i18next }]] } });
    expect(plugin.find('[data-field=greeting] .field-label').text()).toContain('Greeting');
    await i18next.changeLanguage('en');
  });
});
