// @vitest-environment happy-dom
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import I18NextVue from 'i18next-vue';
import type { i18n } from 'i18next';
import { createI18n } from '../i18n/index.js';
import { NODE_TYPES, flow } from '../test/fixtures.js';
import { useDocumentStore } from '../stores/document.store.js';
import { useNodeTypesStore } from '../stores/nodeTypes.store.js';
import ProblemsList from './ProblemsList.vue';
import { summarize } from '../canvas/summary.js';

vi.mock('../api/flows.js', () => ({ flowsApi: { saveDraft: vi.fn(), validate: vi.fn(async () => ({ valid: true, errors: [] })) } }));

let i18next: i18n;
beforeAll(async () => {
  i18next = await createI18n('en');
});
beforeEach(() => {
  setActivePinia(createPinia());
  useNodeTypesStore().set(NODE_TYPES);
});

describe('validation display', () => {
  it('lists the errors with their node, and a click focuses (selects and centres) that node', async () => {
    const doc = useDocumentStore();
    doc.load(flow({ draft: { nodes: [{ id: 'reply', type: 'send.text', position: { x: 0, y: 0 }, config: { text: '' } }], edges: [] } }));
    doc.errors = [
      { nodeId: null, code: 'NO_TRIGGER', message: 'The flow has no trigger' },
      { nodeId: 'reply', code: 'INVALID_CONFIG', message: 'text: Too small' },
    ];
    const w = mount(ProblemsList, { global: { plugins: [[I18NextVue, { i18next }]] } });
    const items = w.findAll('.problem');
    expect(items.map((b) => b.find('.problem-code').text())).toEqual(['NO_TRIGGER', 'INVALID_CONFIG']);
    expect(items[1].find('.problem-node').text()).toBe('Send text · reply');
    expect(items[0].attributes('disabled')).toBeDefined();
    await items[1].trigger('click');
    expect(doc.selectedNodes).toEqual(['reply']);
    expect(doc.focusRequest?.id).toBe('reply');
    expect(w.emitted('focus')?.[0]).toEqual(['reply']);
    expect(doc.errorsByNode.get('reply')?.map((e) => e.code)).toEqual(['INVALID_CONFIG']);
  });

  it('says when the draft is clean', async () => {
    const doc = useDocumentStore();
    doc.load(flow());
    await doc.validate();
    const w = mount(ProblemsList, { global: { plugins: [[I18NextVue, { i18next }]] } });
    expect(w.find('.ok-text').text()).toContain('No problems');
  });

  it('summarises node configs on the canvas cards', () => {
    expect(summarize({ id: 'a', type: 'trigger.keyword', position: { x: 0, y: 0 }, config: { keywords: ['hi', 'hello'] } })).toBe('“hi”, “hello”');
    expect(summarize({ id: 'b', type: 'logic.condition', position: { x: 0, y: 0 }, config: { operator: 'and', groups: [{ operator: 'and', rules: [{ value: '{{vars.name}}', op: 'not_empty' }] }] } })).toBe('{{vars.name}} not empty');
    expect(summarize({ id: 'c', type: 'time.delay', position: { x: 0, y: 0 }, config: { amount: 5, unit: 'minutes' } })).toBe('5 minutes');
  });
});
