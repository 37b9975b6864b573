// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { flowsApi } from '../api/flows.js';
import { ApiError } from '@parley/ui-kit';
import { NODE_TYPES, flow } from '../test/fixtures.js';
import { useDocumentStore } from './document.store.js';
import { useNodeTypesStore } from './nodeTypes.store.js';

vi.mock('../api/flows.js', () => ({ flowsApi: { get: vi.fn(), saveDraft: vi.fn(), validate: vi.fn(), publish: vi.fn(), version: vi.fn(), rollback: vi.fn() } }));
const api = vi.mocked(flowsApi);

let doc: ReturnType<typeof useDocumentStore>;

beforeEach(() => {
  vi.useFakeTimers();
  localStorage.clear();
  setActivePinia(createPinia());
  useNodeTypesStore().set(NODE_TYPES);
  api.saveDraft.mockImplementation(async (_id, draft, revision) => flow({ draft, draftRevision: (revision ?? 0) + 1 }));
  api.validate.mockResolvedValue({ valid: true, errors: [] });
  doc = useDocumentStore();
  doc.load(flow());
});
afterEach(() => {
  vi.useRealTimers();
  vi.clearAllMocks();
});

/** keyword → ask → condition(true → yes, false → no) */
function build() {
  const kw = doc.addNode('trigger.keyword', { x: 0, y: 0 }, { keywords: ['hello'] })!;
  const ask = doc.addNode('ask.question', { x: 300, y: 0 })!;
  const cond = doc.addNode('logic.condition', { x: 600, y: 0 })!;
  const yes = doc.addNode('send.text', { x: 900, y: -100 }, { text: 'yes' })!;
  const no = doc.addNode('send.text', { x: 900, y: 100 }, { text: 'no' })!;
  doc.connect(kw, 'out', ask);
  doc.connect(ask, 'out', cond);
  doc.connect(cond, 'true', yes);
  doc.connect(cond, 'false', no);
  return { kw, ask, cond, yes, no };
}

describe('flow document store', () => {
  it('adds nodes with readable unique ids and the type defaults, selecting each', () => {
    const a = doc.addNode('send.text', { x: 10.4, y: 20.6 });
    const b = doc.addNode('send.text', { x: 0, y: 0 });
    expect([a, b]).toEqual(['text_1', 'text_2']);
    expect(doc.nodes[0]).toEqual({ id: 'text_1', type: 'send.text', position: { x: 10, y: 21 }, config: { text: '' } });
    expect(doc.selectedNodes).toEqual(['text_2']);
    // defaults are copied, not shared
    (doc.nodes[0].config as { text: string }).text = 'x';
    expect(NODE_TYPES.find((t) => t.type === 'send.text')!.defaults).toEqual({ text: '' });
  });

  it('connects named outputs to inputs, one edge per output, never into a trigger or a node itself', () => {
    const { kw, ask, cond, yes, no } = build();
    expect(doc.edges.map((e) => `${e.source}.${e.sourceHandle}>${e.target}`)).toEqual([
      `${kw}.out>${ask}`, `${ask}.out>${cond}`, `${cond}.true>${yes}`, `${cond}.false>${no}`,
    ]);
    expect(doc.connect(ask, 'out', kw)).toBe(false); // into a trigger
    expect(doc.connect(yes, 'out', yes)).toBe(false);
    expect(doc.connect(cond, 'maybe', yes)).toBe(false); // unknown output
    expect(doc.connect(cond, 'true', yes)).toBe(false); // already so
    // re-pointing an output replaces its edge
    expect(doc.connect(cond, 'true', no)).toBe(true);
    expect(doc.edges.filter((e) => e.source === cond && e.sourceHandle === 'true').map((e) => e.target)).toEqual([no]);
    expect(doc.edges).toHaveLength(4);
  });

  it('deletes the selection with its edges, and undo / redo walk the history', () => {
    const { cond, yes } = build();
    const before = doc.edges.length;
    doc.select([cond]);
    doc.removeSelection();
    expect(doc.nodes.map((n) => n.id)).not.toContain(cond);
    expect(doc.edges.some((e) => e.source === cond || e.target === cond)).toBe(false);
    expect(doc.edges.length).toBe(before - 3);
    doc.undo();
    expect(doc.nodes.map((n) => n.id)).toContain(cond);
    expect(doc.edges.length).toBe(before);
    doc.redo();
    expect(doc.nodes).toHaveLength(4);
    doc.undo();
    // deleting one edge
    const e = doc.edges.find((x) => x.target === yes)!;
    doc.select([], [e.id]);
    doc.removeSelection();
    expect(doc.edges.find((x) => x.id === e.id)).toBeUndefined();
    doc.undo();
    expect(doc.edges.find((x) => x.id === e.id)).toBeDefined();
    // a new edit clears the redo stack
    doc.undo();
    expect(doc.canRedo).toBe(true);
    doc.addNode('send.text', { x: 0, y: 0 });
    expect(doc.canRedo).toBe(false);
  });

  it('merges a burst of typing into one undo step and moves as one step', () => {
    const id = doc.addNode('send.text', { x: 0, y: 0 })!;
    for (const text of ['H', 'He', 'Hel', 'Hello']) doc.updateConfig(id, { text });
    expect(doc.nodes[0].config.text).toBe('Hello');
    doc.undo();
    expect(doc.nodes[0].config.text).toBe('');
    doc.redo();
    doc.moveNodes({ [id]: { x: 50, y: 60 } });
    doc.moveNodes({ [id]: { x: 50, y: 60 } }); // no-op: same place
    doc.undo();
    expect(doc.nodes[0].position).toEqual({ x: 0, y: 0 });
    expect(doc.nodes[0].config.text).toBe('Hello');
  });

  it('copies and pastes the selection with new ids, shifted, keeping inner edges', () => {
    const { cond, yes, no } = build();
    doc.select([cond, yes, no]);
    expect(doc.copy()).toBe(3);
    const pasted = doc.paste();
    expect(pasted).toEqual(['condition_2', 'text_3', 'text_4']);
    expect(doc.selectedNodes).toEqual(pasted);
    expect(doc.nodes.find((n) => n.id === 'condition_2')!.position).toEqual({ x: 640, y: 40 });
    expect(doc.edges.filter((e) => e.source === 'condition_2').map((e) => `${e.sourceHandle}>${e.target}`)).toEqual(['true>text_3', 'false>text_4']);
    doc.undo();
    expect(doc.nodes).toHaveLength(5);
  });

  it('offers contact fields, the message and the variables nodes set', () => {
    build();
    doc.addNode('http.request', { x: 0, y: 0 });
    expect(doc.variables).toEqual(['contact.name', 'contact.phone', 'contact.email', 'message.text', 'vars.answer', 'vars.response']);
  });

  it('autosaves the draft (debounced, empty optional strings dropped) and validates it', async () => {
    const id = doc.addNode('send.text', { x: 0, y: 0 }, { text: 'Hi' })!;
    doc.updateConfig(id, { text: 'Hi there' });
    expect(doc.saveState).toBe('pending');
    expect(doc.dirty).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(api.saveDraft).toHaveBeenCalledTimes(1);
    expect(api.saveDraft.mock.calls[0][1].nodes[0]).toEqual({ id, type: 'send.text', position: { x: 0, y: 0 }, config: { text: 'Hi there' } });
    expect(doc.saveState).toBe('saved');
    expect(api.validate).toHaveBeenCalled();
    const ask = doc.addNode('ask.question', { x: 0, y: 0 }, { question: 'Name?', capture: 'text', variable: 'name', retries: 2 })!;
    void ask;
    api.saveDraft.mockRejectedValueOnce(new Error('offline'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(doc.saveState).toBe('error');
    await doc.flush();
    expect(doc.saveState).toBe('saved');
  });

  it('puts validation errors on their nodes and refuses to publish an invalid draft', async () => {
    const { no } = build();
    api.validate.mockResolvedValue({ valid: false, errors: [{ nodeId: no, code: 'UNREACHABLE_NODE', message: 'cannot be reached' }, { nodeId: null, code: 'NO_TRIGGER', message: 'no trigger' }] });
    await vi.advanceTimersByTimeAsync(1000);
    expect(doc.errorsByNode.get(no)?.[0].code).toBe('UNREACHABLE_NODE');
    expect(doc.valid).toBe(false);
    expect(await doc.publish('x')).toBeNull();
    expect(api.publish).not.toHaveBeenCalled();

    api.validate.mockResolvedValue({ valid: true, errors: [] });
    api.publish.mockResolvedValue({ id: 'v1', version: 1, note: 'first', createdBy: null, createdAt: '2026-01-02T00:00:00.000Z', active: true });
    const v = await doc.publish('first');
    expect(v?.version).toBe(1);
    expect(api.publish).toHaveBeenCalledWith('f1', 'first');
    expect(doc.flow?.publishedVersion).toBe(1);
    expect(doc.errorsByNode.size).toBe(0);

    // the server's 422 lands on the nodes too
    api.publish.mockRejectedValueOnce(new ApiError(422, 'FLOW_INVALID', 'invalid', { errors: [{ nodeId: no, code: 'INVALID_CONFIG', message: 'text: Required' }] }));
    await expect(doc.publish()).rejects.toThrow('invalid');
    expect(doc.errorsByNode.get(no)?.[0].code).toBe('INVALID_CONFIG');
  });

  it('shows a version read-only: edits are refused until back on the draft', async () => {
    build();
    api.version.mockResolvedValue({ id: 'v1', version: 1, note: null, createdBy: null, createdAt: '', active: true, graph: { nodes: [{ id: 'a', type: 'send.text', position: { x: 0, y: 0 }, config: { text: 'old' } }], edges: [] } });
    await doc.view(1);
    expect(doc.readOnly).toBe(true);
    expect(doc.shown.nodes.map((n) => n.id)).toEqual(['a']);
    expect(doc.addNode('send.text', { x: 0, y: 0 })).toBeNull();
    doc.select(['a']);
    doc.removeSelection();
    expect(doc.shown.nodes).toHaveLength(1);
    await doc.view(null);
    expect(doc.shown.nodes).toHaveLength(5);
  });

  it('auto-layout puts nodes in layers from the trigger, branches one above the other (one undo step)', () => {
    const { kw, ask, cond, yes, no } = build();
    doc.autoLayout();
    const x = (id: string) => doc.nodeById.get(id)!.position.x;
    const y = (id: string) => doc.nodeById.get(id)!.position.y;
    expect([x(kw), x(ask), x(cond), x(yes), x(no)]).toEqual([0, 300, 600, 900, 900]);
    expect(y(yes)).toBeLessThan(y(no));
    doc.undo();
    expect(doc.nodeById.get(yes)!.position).toEqual({ x: 900, y: -100 });
  });
});

describe('edit conflicts (another tab or person saved the draft)', () => {
  const conflict = (revision: number) => new ApiError(409, 'DRAFT_CONFLICT', 'The draft was changed elsewhere since you loaded it', { flowId: 'f1', revision, yourRevision: 0 });

  it('saves based on the revision it loaded, then on the one each save answers', async () => {
    doc.addNode('send.text', { x: 0, y: 0 }, { text: 'a' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(api.saveDraft).toHaveBeenLastCalledWith('f1', expect.any(Object), 0);
    expect(doc.flow?.draftRevision).toBe(1);
    doc.addNode('send.text', { x: 0, y: 100 }, { text: 'b' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(api.saveDraft).toHaveBeenLastCalledWith('f1', expect.any(Object), 1);
    expect(doc.saveState).toBe('saved');
  });

  it('stops autosaving on 409 DRAFT_CONFLICT, keeps the edits, and overwrites only when asked', async () => {
    api.saveDraft.mockRejectedValueOnce(conflict(4));
    doc.addNode('send.text', { x: 0, y: 0 }, { text: 'mine' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(doc.conflict).toEqual({ revision: 4 });
    expect(doc.saveState).toBe('conflict');
    expect(doc.dirty).toBe(true);
    // more edits are kept but not sent over the other save
    doc.addNode('send.text', { x: 0, y: 100 }, { text: 'mine too' });
    await vi.advanceTimersByTimeAsync(5000);
    expect(api.saveDraft).toHaveBeenCalledTimes(1);
    expect(doc.nodes).toHaveLength(2);
    await doc.overwrite();
    expect(api.saveDraft).toHaveBeenCalledTimes(2);
    expect(api.saveDraft).toHaveBeenLastCalledWith('f1', { nodes: [expect.objectContaining({ config: { text: 'mine' } }), expect.objectContaining({ config: { text: 'mine too' } })], edges: [] }, 4);
    expect(doc.conflict).toBeNull();
    expect(doc.flow?.draftRevision).toBe(5);
    expect(doc.saveState).toBe('saved');
  });

  it('reloads the draft saved elsewhere when asked, dropping this tab\'s changes', async () => {
    api.saveDraft.mockRejectedValueOnce(conflict(2));
    doc.addNode('send.text', { x: 0, y: 0 }, { text: 'mine' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(doc.conflict).not.toBeNull();
    api.get.mockResolvedValueOnce(flow({ draftRevision: 2, draft: { nodes: [{ id: 'theirs', type: 'send.text', position: { x: 5, y: 5 }, config: { text: 'theirs' } }], edges: [] } }));
    await doc.reloadDraft();
    expect(api.get).toHaveBeenCalledWith('f1');
    expect(doc.nodes.map((n) => n.id)).toEqual(['theirs']);
    expect(doc.conflict).toBeNull();
    expect(doc.dirty).toBe(false);
    expect(doc.canUndo).toBe(false);
    doc.addNode('send.text', { x: 0, y: 0 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(api.saveDraft).toHaveBeenLastCalledWith('f1', expect.any(Object), 2);
  });

  it('a save failing for another reason is not a conflict (Retry sends the same revision)', async () => {
    api.saveDraft.mockRejectedValueOnce(new ApiError(500, 'INTERNAL_ERROR', 'boom'));
    doc.addNode('send.text', { x: 0, y: 0 }, { text: 'a' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(doc.saveState).toBe('error');
    expect(doc.conflict).toBeNull();
    await doc.save();
    expect(api.saveDraft).toHaveBeenLastCalledWith('f1', expect.any(Object), 0);
    expect(doc.saveState).toBe('saved');
  });
});
