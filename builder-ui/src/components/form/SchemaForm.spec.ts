// @vitest-environment happy-dom
import { beforeAll, describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import I18NextVue from 'i18next-vue';
import type { i18n } from 'i18next';
import { createI18n } from '../../i18n/index.js';
import { NODE_TYPES } from '../../test/fixtures.js';
import SchemaForm from './SchemaForm.vue';

let i18next: i18n;
beforeAll(async () => {
  i18next = await createI18n('en');
});

const type = (t: string) => NODE_TYPES.find((n) => n.type === t)!;
const VARS = ['contact.name', 'message.text', 'vars.name'];

function render(t: string, config: Record<string, unknown>) {
  const w = mount(SchemaForm, { props: { nodeType: type(t), config, variables: VARS }, global: { plugins: [[I18NextVue, { i18next }]] } });
  const last = () => (w.emitted('update')?.at(-1)?.[0] ?? null) as Record<string, unknown> | null;
  return { w, last };
}

describe('schema-driven node forms', () => {
  it('renders a widget per JSON Schema type: text with a variable picker, select for enums, number, required marks', async () => {
    const { w, last } = render('ask.question', { question: '', capture: 'text', variable: 'answer', retries: 2 });
    expect(w.find('textarea#f-question').exists()).toBe(true);
    expect(w.find('[data-field=question] [data-testid=var-picker]').exists()).toBe(true);
    expect(w.find('[data-field=variable] [data-testid=var-picker]').exists()).toBe(false); // identifiers take no templates
    expect(w.findAll('select#f-capture option').map((o) => o.text())).toEqual(['text', 'number', 'email', 'phone']);
    expect(w.find('input#f-retries').attributes('type')).toBe('number');
    expect(w.find('[data-field=question] .req').exists()).toBe(true);

    await w.find('select#f-capture').setValue('email');
    expect(last()).toMatchObject({ capture: 'email' });
    await w.find('input#f-retries').setValue('4');
    expect(last()).toMatchObject({ retries: 4 });
  });

  it('inserts {{variables}} at the caret from the picker', async () => {
    const { w, last } = render('send.text', { text: 'Hi !' });
    const ta = w.find('textarea#f-text').element as HTMLTextAreaElement;
    ta.setSelectionRange(3, 3);
    const picker = w.find('[data-testid=var-picker]');
    expect(picker.findAll('option').map((o) => o.text())).toEqual(['{x}', ...VARS]);
    await picker.setValue('contact.name');
    expect(last()).toEqual({ text: 'Hi {{contact.name}}!' });
  });

  it('validates inline: required, length, pattern, range', async () => {
    const { w } = render('ask.question', { question: '', capture: 'text', variable: '9lives', retries: 20 });
    const err = (f: string) => w.find(`[data-field=${f}] .field-error`);
    expect(err('question').text()).toBe('Required');
    expect(err('variable').text()).toBe('Invalid format');
    expect(err('retries').text()).toBe('At most 10');
    expect(w.find('textarea#f-question').attributes('aria-invalid')).toBe('true');
    await w.setProps({ config: { question: 'Name?', capture: 'text', variable: 'name', retries: 2 } } as Record<string, unknown>);
    expect(w.findAll('.field-error')).toHaveLength(0);
  });

  it('edits lists of objects (buttons): add, edit, reorder, remove, with max items', async () => {
    const options = [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }];
    const { w, last } = render('send.buttons', { text: 'Pick', kind: 'buttons', options });
    expect(w.findAll('.list-item')).toHaveLength(2);
    await w.find('#f-options-1-title').setValue('Nope');
    expect(last()!.options).toEqual([{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'Nope' }]);
    await w.find('[data-field=options] .list-item:nth-child(2) button[aria-label="Move up"]').trigger('click');
    expect((last()!.options as { id: string }[]).map((o) => o.id)).toEqual(['no', 'yes']);
    await w.find('[data-field=options] button.add').trigger('click');
    expect(last()!.options).toEqual([...options, { id: '', title: '' }]);
    await w.find('[data-field=options] .list-item:nth-child(1) button[aria-label="Remove"]').trigger('click');
    expect(last()!.options).toEqual([{ id: 'no', title: 'No' }]);
    await w.setProps({ config: { text: 'Pick', kind: 'buttons', options: [...options, { id: 'x', title: 'X' }, { id: 'y', title: 'a title longer than 24 chars' }] } } as Record<string, unknown>);
    expect(w.find('[data-field=options] > .list-field > button.add').attributes('disabled')).toBeDefined();
    expect(w.find('[data-field=options] > .field-error').text()).toBe('At most 3 items');
    expect(w.find('[data-field="options.3.title"] .field-error').text()).toBe('At most 24 characters');
  });

  it('edits condition groups with AND/OR', async () => {
    const config = { operator: 'and', groups: [{ operator: 'and', rules: [{ value: '{{vars.name}}', op: 'equals', compare: 'Ana' }] }] };
    const { w, last } = render('logic.condition', config);
    expect(w.find('#f-operator').exists()).toBe(false); // the joining operator lives in the conditions widget
    await w.find('[data-testid=cond-operator]').setValue('or');
    expect(last()).toMatchObject({ operator: 'or' });
    await w.find('.cond-group button.add').trigger('click');
    expect((last()!.groups as { rules: unknown[] }[])[0].rules).toHaveLength(2);
    await w.find('.cond-rule select.cond-op').setValue('is_empty');
    expect((last()!.groups as { rules: unknown[] }[])[0].rules[0]).toEqual({ value: '{{vars.name}}', op: 'is_empty' });
    const buttons = w.findAll('.conditions > button.add');
    await buttons[0].trigger('click');
    expect(last()!.groups).toHaveLength(2);
  });

  it('has key/value headers, a code editor for code nodes, and tag lists', async () => {
    const http = render('http.request', { method: 'GET', url: 'https://x.test', headers: { Accept: 'application/json' } });
    expect(http.w.findAll('.kv-row')).toHaveLength(1);
    await http.w.find('.kv-field button.add').trigger('click');
    expect(http.last()!.headers).toEqual({ Accept: 'application/json', key2: '' });

    const code = render('code.javascript', { code: 'return vars;' });
    expect(code.w.find('textarea#f-code.code').exists()).toBe(true);

    const kw = render('trigger.keyword', { keywords: ['hi'] });
    const input = kw.w.find('#f-keywords');
    await input.setValue('hello');
    await input.trigger('keydown', { key: 'Enter' });
    expect(kw.last()).toEqual({ keywords: ['hi', 'hello'] });
    await kw.w.find('.tag-chip button').trigger('click');
    expect(kw.last()).toEqual({ keywords: [] });
  });

  it('renders read-only versions without edit controls', () => {
    const w = mount(SchemaForm, { props: { nodeType: type('send.buttons'), config: { text: 'a', kind: 'buttons', options: [{ id: 'a', title: 'A' }] }, variables: VARS, readonly: true }, global: { plugins: [[I18NextVue, { i18next }]] } });
    expect(w.find('button.add').exists()).toBe(false);
    expect(w.find('[data-testid=var-picker]').exists()).toBe(false);
    expect(w.find('#f-text').attributes('readonly')).toBeDefined();
  });
});
