/**
 * The flow document being edited: nodes, edges, selection, undo/redo history, clipboard,
 * validation errors, autosave, versions being viewed, and the overlays the canvas shows (the
 * node a test run is at, analytics). The canvas island only renders this store and reports
 * edits back through its actions; every edit is one immutable update (arrays and the changed
 * node objects are replaced), which makes history snapshots cheap and lets the canvas skip
 * re-rendering unchanged nodes.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { flowsApi } from '../api/flows.js';
import { ApiError } from '@parley/ui-kit';
import type { Flow, FlowEdge, FlowGraph, FlowNode, FlowStats, FlowVersion, NodeStats, ValidationError } from '../api/types.js';
import { layeredLayout } from '../utils/layout.js';
import { cleanConfig } from '../utils/schema.js';
import { useNodeTypesStore } from './nodeTypes.store.js';

interface Snapshot {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

const HISTORY_LIMIT = 200;
const CLIPBOARD_KEY = 'parley.builder.clipboard';
/** Config keys whose value names a flow variable (offered as `{{vars.<name>}}`). */
const VARIABLE_KEYS = ['variable', 'responseVariable', 'resultVariable'];
export const BUILTIN_VARIABLES = ['contact.name', 'contact.phone', 'contact.email', 'message.text'];

export type SaveState = 'saved' | 'pending' | 'saving' | 'error' | 'conflict';

export const useDocumentStore = defineStore('document', () => {
  const types = useNodeTypesStore();
  const timing = { autosaveMs: 800, validateMs: 250 };

  const flow = shallowRef<Flow | null>(null);
  const nodes = shallowRef<FlowNode[]>([]);
  const edges = shallowRef<FlowEdge[]>([]);
  const selectedNodes = shallowRef<string[]>([]);
  const selectedEdges = shallowRef<string[]>([]);
  const past = shallowRef<Snapshot[]>([]);
  const future = shallowRef<Snapshot[]>([]);
  let coalesce: { key: string; at: number } | null = null;

  const revision = ref(0);
  const savedRevision = ref(0);
  const saving = ref(false);
  const saveError = ref<string | null>(null);
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  let inflight: Promise<void> | null = null;
  /**
   * Set when a save was refused because the draft was saved elsewhere (another tab or person)
   * since it was loaded: `revision` is the stored one. Autosave stops until the user reloads
   * (`reloadDraft`) or overwrites (`overwrite`).
   */
  const conflict = shallowRef<{ revision: number } | null>(null);

  const errors = shallowRef<ValidationError[]>([]);
  const validatedRevision = ref(-1);
  let validateTimer: ReturnType<typeof setTimeout> | null = null;

  /** A published version shown read-only instead of the draft. */
  const viewing = shallowRef<FlowVersion | null>(null);
  /** The node a test run is at. */
  const highlight = ref<string | null>(null);
  const stats = shallowRef<FlowStats | null>(null);
  /** Bumped when a node should be brought into view (`focusRequest.id`). */
  const focusRequest = shallowRef<{ id: string; at: number } | null>(null);

  const readOnly = computed(() => viewing.value !== null);
  const shown = computed<Snapshot>(() => (viewing.value?.graph ? viewing.value.graph : { nodes: nodes.value, edges: edges.value }));
  const dirty = computed(() => revision.value !== savedRevision.value);
  const saveState = computed<SaveState>(() => (saving.value ? 'saving' : conflict.value ? 'conflict' : saveError.value ? 'error' : dirty.value ? 'pending' : 'saved'));
  const canUndo = computed(() => past.value.length > 0 && !readOnly.value);
  const canRedo = computed(() => future.value.length > 0 && !readOnly.value);
  const nodeById = computed(() => new Map(shown.value.nodes.map((n) => [n.id, n])));
  const selectedNode = computed(() => (selectedNodes.value.length === 1 ? (nodeById.value.get(selectedNodes.value[0]) ?? null) : null));
  const errorsByNode = computed(() => {
    const m = new Map<string, ValidationError[]>();
    if (readOnly.value) return m;
    for (const e of errors.value) if (e.nodeId) (m.get(e.nodeId) ?? m.set(e.nodeId, []).get(e.nodeId)!).push(e);
    return m;
  });
  const validationFresh = computed(() => validatedRevision.value === revision.value);
  const valid = computed(() => validationFresh.value && errors.value.length === 0);
  const statsByNode = computed(() => new Map<string, NodeStats>((stats.value?.nodes ?? []).map((n) => [n.nodeId, n])));
  /** `contact.*`, `message.text` and every variable a node of the draft sets. */
  const variables = computed(() => {
    const names = new Set<string>();
    for (const n of nodes.value) for (const k of VARIABLE_KEYS) if (typeof n.config[k] === 'string' && n.config[k]) names.add(`vars.${n.config[k] as string}`);
    return [...BUILTIN_VARIABLES, ...[...names].sort()];
  });

  // ── loading ──────────────────────────────────────────────────────────────
  function load(f: Flow): void {
    clearTimers();
    flow.value = f;
    nodes.value = f.draft.nodes.map((n) => ({ ...n, position: n.position ?? { x: 0, y: 0 }, config: n.config ?? {} }));
    edges.value = f.draft.edges.map((e) => ({ ...e, sourceHandle: e.sourceHandle ?? 'out' }));
    selectedNodes.value = [];
    selectedEdges.value = [];
    past.value = [];
    future.value = [];
    coalesce = null;
    revision.value = 0;
    savedRevision.value = 0;
    saveError.value = null;
    conflict.value = null;
    errors.value = [];
    validatedRevision.value = -1;
    viewing.value = null;
    highlight.value = null;
    stats.value = null;
    scheduleValidate(0);
  }

  function reset(): void {
    clearTimers();
    flow.value = null;
    nodes.value = [];
    edges.value = [];
    selectedNodes.value = [];
    selectedEdges.value = [];
    past.value = [];
    future.value = [];
    revision.value = savedRevision.value = 0;
    conflict.value = null;
    errors.value = [];
    viewing.value = null;
    highlight.value = null;
    stats.value = null;
  }

  function clearTimers(): void {
    if (saveTimer) clearTimeout(saveTimer);
    if (validateTimer) clearTimeout(validateTimer);
    saveTimer = validateTimer = null;
  }

  // ── editing ──────────────────────────────────────────────────────────────
  /** Applies one edit: records history (edits with the same `coalesceKey` within 1 s merge). */
  function commit(next: Partial<Snapshot>, coalesceKey?: string): boolean {
    if (readOnly.value) return false;
    const now = Date.now();
    const merge = coalesceKey && coalesce?.key === coalesceKey && now - coalesce.at < 1000;
    if (!merge) past.value = [...past.value.slice(-(HISTORY_LIMIT - 1)), { nodes: nodes.value, edges: edges.value }];
    coalesce = coalesceKey ? { key: coalesceKey, at: now } : null;
    future.value = [];
    if (next.nodes) nodes.value = next.nodes;
    if (next.edges) edges.value = next.edges;
    changed();
    return true;
  }

  function changed(): void {
    revision.value++;
    if (!conflict.value) saveError.value = null;
    scheduleSave();
    scheduleValidate();
  }

  function newId(type: string, taken: Set<string>): string {
    const base = (type.split('.').pop() ?? 'node').replace(/[^A-Za-z0-9_]/g, '_');
    let i = 1;
    while (taken.has(`${base}_${i}`)) i++;
    return `${base}_${i}`;
  }

  /** Adds a node of `type` (its defaults as config) at `position`, selects it, returns its id. */
  function addNode(type: string, position: { x: number; y: number }, config?: Record<string, unknown>): string | null {
    if (readOnly.value) return null;
    const id = newId(type, new Set(nodes.value.map((n) => n.id)));
    const def = types.byType.get(type);
    const node: FlowNode = { id, type, position: { x: Math.round(position.x), y: Math.round(position.y) }, config: structuredClone(config ?? def?.defaults ?? {}) };
    commit({ nodes: [...nodes.value, node] });
    select([id]);
    return id;
  }

  /** Why a connection is refused (null when it is allowed). */
  function connectionProblem(source: string, sourceHandle: string, target: string): string | null {
    if (source === target) return 'self';
    const s = nodeById.value.get(source);
    const t = nodeById.value.get(target);
    if (!s || !t) return 'missing';
    const tt = types.byType.get(t.type);
    if (tt?.trigger) return 'into_trigger';
    const st = types.byType.get(s.type);
    if (st && !st.outputs.includes(sourceHandle)) return 'unknown_output';
    return null;
  }

  /** Connects an output to a node; an output already connected is re-pointed (one edge per output). */
  function connect(source: string, sourceHandle: string | null | undefined, target: string): boolean {
    const handle = sourceHandle || 'out';
    if (readOnly.value || connectionProblem(source, handle, target)) return false;
    const existing = edges.value.find((e) => e.source === source && e.sourceHandle === handle);
    if (existing?.target === target) return false;
    const taken = new Set(edges.value.map((e) => e.id));
    let id = `e_${source}_${handle}_${target}`;
    for (let i = 2; taken.has(id); i++) id = `e_${source}_${handle}_${target}_${i}`;
    commit({ edges: [...edges.value.filter((e) => e !== existing), { id, source, sourceHandle: handle, target }] });
    return true;
  }

  function removeEdges(ids: string[]): void {
    const drop = new Set(ids);
    if (!edges.value.some((e) => drop.has(e.id))) return;
    commit({ edges: edges.value.filter((e) => !drop.has(e.id)) });
    selectedEdges.value = selectedEdges.value.filter((id) => !drop.has(id));
  }

  function removeNodes(ids: string[]): void {
    const drop = new Set(ids);
    if (!nodes.value.some((n) => drop.has(n.id))) return;
    commit({ nodes: nodes.value.filter((n) => !drop.has(n.id)), edges: edges.value.filter((e) => !drop.has(e.source) && !drop.has(e.target)) });
    selectedNodes.value = selectedNodes.value.filter((id) => !drop.has(id));
  }

  /** Deletes the selected nodes (with their edges) and the selected edges, as one step. */
  function removeSelection(): void {
    const dropNodes = new Set(selectedNodes.value);
    const dropEdges = new Set(selectedEdges.value);
    if (!dropNodes.size && !dropEdges.size) return;
    commit({
      nodes: nodes.value.filter((n) => !dropNodes.has(n.id)),
      edges: edges.value.filter((e) => !dropEdges.has(e.id) && !dropNodes.has(e.source) && !dropNodes.has(e.target)),
    });
    selectedNodes.value = [];
    selectedEdges.value = [];
  }

  /** Moves nodes (the end of a drag: one history step). */
  function moveNodes(positions: Record<string, { x: number; y: number }>): void {
    let moved = false;
    const next = nodes.value.map((n) => {
      const p = positions[n.id];
      if (!p || (Math.round(p.x) === n.position.x && Math.round(p.y) === n.position.y)) return n;
      moved = true;
      return { ...n, position: { x: Math.round(p.x), y: Math.round(p.y) } };
    });
    if (moved) commit({ nodes: next });
  }

  /** Replaces a node's config (typing in the side panel merges into one undo step per second). */
  function updateConfig(id: string, config: Record<string, unknown>): void {
    const i = nodes.value.findIndex((n) => n.id === id);
    if (i < 0) return;
    const next = nodes.value.slice();
    next[i] = { ...next[i], config };
    commit({ nodes: next }, `config:${id}`);
  }

  function select(nodeIds: string[], edgeIds: string[] = []): void {
    const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
    if (!same(nodeIds, selectedNodes.value)) selectedNodes.value = nodeIds;
    if (!same(edgeIds, selectedEdges.value)) selectedEdges.value = edgeIds;
  }

  function selectAll(): void {
    select(shown.value.nodes.map((n) => n.id), shown.value.edges.map((e) => e.id));
  }

  // ── clipboard ────────────────────────────────────────────────────────────
  let pasteCount = 0;
  /** Copies the selected nodes and the edges between them. Returns how many nodes were copied. */
  function copy(): number {
    const ids = new Set(selectedNodes.value);
    const picked = shown.value.nodes.filter((n) => ids.has(n.id));
    if (!picked.length) return 0;
    const data: Snapshot = { nodes: structuredClone(picked), edges: structuredClone(shown.value.edges.filter((e) => ids.has(e.source) && ids.has(e.target))) };
    try {
      localStorage.setItem(CLIPBOARD_KEY, JSON.stringify(data));
    } catch {
      /* private mode: the in-memory copy still works */
    }
    clipboard = data;
    pasteCount = 0;
    return picked.length;
  }
  let clipboard: Snapshot | null = null;

  /** Pastes the copied nodes (new ids, shifted), selects them. */
  function paste(): string[] {
    if (readOnly.value) return [];
    let data = clipboard;
    try {
      data = JSON.parse(localStorage.getItem(CLIPBOARD_KEY) ?? 'null') ?? clipboard;
    } catch {
      /* keep the in-memory copy */
    }
    if (!data?.nodes.length) return [];
    pasteCount++;
    const taken = new Set(nodes.value.map((n) => n.id));
    const map = new Map<string, string>();
    const added = data.nodes.map((n) => {
      const id = newId(n.type, taken);
      taken.add(id);
      map.set(n.id, id);
      return { ...structuredClone(n), id, position: { x: n.position.x + 40 * pasteCount, y: n.position.y + 40 * pasteCount } };
    });
    const newEdges = data.edges.map((e) => ({ ...e, id: `e_${map.get(e.source)}_${e.sourceHandle}_${map.get(e.target)}`, source: map.get(e.source)!, target: map.get(e.target)! }));
    commit({ nodes: [...nodes.value, ...added], edges: [...edges.value, ...newEdges] });
    select(added.map((n) => n.id));
    return added.map((n) => n.id);
  }

  // ── history ──────────────────────────────────────────────────────────────
  function undo(): void {
    if (!canUndo.value) return;
    const prev = past.value[past.value.length - 1];
    future.value = [...future.value, { nodes: nodes.value, edges: edges.value }];
    past.value = past.value.slice(0, -1);
    restore(prev);
  }

  function redo(): void {
    if (!canRedo.value) return;
    const next = future.value[future.value.length - 1];
    past.value = [...past.value, { nodes: nodes.value, edges: edges.value }];
    future.value = future.value.slice(0, -1);
    restore(next);
  }

  function restore(s: Snapshot): void {
    nodes.value = s.nodes;
    edges.value = s.edges;
    coalesce = null;
    const ids = new Set(s.nodes.map((n) => n.id));
    const eids = new Set(s.edges.map((e) => e.id));
    select(selectedNodes.value.filter((id) => ids.has(id)), selectedEdges.value.filter((id) => eids.has(id)));
    changed();
  }

  /** Re-arranges all nodes in layers from the triggers, left to right (one undo step). */
  function autoLayout(): void {
    const pos = layeredLayout(nodes.value, edges.value, { isRoot: (n) => !!types.byType.get(n.type)?.trigger });
    moveNodes(pos);
  }

  // ── saving and validation ────────────────────────────────────────────────
  /** The draft as the API takes it (empty optional strings dropped). */
  function graph(): FlowGraph {
    return {
      nodes: nodes.value.map((n) => {
        const schema = types.byType.get(n.type)?.configSchema;
        return { id: n.id, type: n.type, position: n.position, config: schema ? cleanConfig(schema, n.config) : n.config };
      }),
      edges: edges.value.map((e) => ({ id: e.id, source: e.source, sourceHandle: e.sourceHandle, target: e.target })),
    };
  }

  function scheduleSave(ms = timing.autosaveMs): void {
    if (!flow.value || conflict.value) return;
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      saveTimer = null;
      void save().catch(() => undefined);
    }, ms);
  }

  /**
   * Saves the draft now (PUT draft, based on the `draftRevision` last loaded or saved).
   * Concurrent calls queue behind the one in flight. A 409 DRAFT_CONFLICT sets `conflict`.
   */
  async function save(): Promise<void> {
    if (!flow.value) return;
    if (inflight) await inflight.catch(() => undefined);
    if (!dirty.value || !flow.value) return;
    const rev = revision.value;
    const id = flow.value.id;
    saving.value = true;
    inflight = flowsApi
      .saveDraft(id, graph(), flow.value.draftRevision)
      .then((f) => {
        if (flow.value?.id !== id) return;
        flow.value = { ...f, draft: flow.value.draft };
        savedRevision.value = Math.max(savedRevision.value, rev);
        saveError.value = null;
        conflict.value = null;
      })
      .catch((e: unknown) => {
        saveError.value = e instanceof Error ? e.message : String(e);
        if (e instanceof ApiError && e.code === 'DRAFT_CONFLICT' && flow.value?.id === id) conflict.value = { revision: Number(e.details?.revision ?? -1) };
        throw e;
      })
      .finally(() => {
        saving.value = false;
        inflight = null;
      });
    return inflight;
  }

  /** After a conflict: saves this tab's draft over the one saved elsewhere. */
  async function overwrite(): Promise<void> {
    if (!flow.value || !conflict.value) return;
    flow.value = { ...flow.value, draftRevision: conflict.value.revision };
    conflict.value = null;
    saveError.value = null;
    await save();
  }

  /** After a conflict: drops this tab's changes and loads the draft as saved elsewhere. */
  async function reloadDraft(): Promise<void> {
    if (!flow.value) return;
    load(await flowsApi.get(flow.value.id));
  }

  /** Saves pending changes at once (before publishing, testing or leaving). */
  async function flush(): Promise<void> {
    if (saveTimer) {
      clearTimeout(saveTimer);
      saveTimer = null;
    }
    if (inflight) await inflight.catch(() => undefined);
    if (dirty.value) await save();
  }

  function scheduleValidate(ms = timing.validateMs): void {
    if (validateTimer) clearTimeout(validateTimer);
    validateTimer = setTimeout(() => {
      validateTimer = null;
      void validate().catch(() => undefined);
    }, ms);
  }

  /** Validates the draft with the server (`POST /flows/validate`); the errors land on the nodes. */
  async function validate(): Promise<ValidationError[]> {
    const rev = revision.value;
    const r = await flowsApi.validate(graph());
    if (rev === revision.value) {
      errors.value = r.errors;
      validatedRevision.value = rev;
    }
    return r.errors;
  }

  /**
   * Saves, validates, and publishes the draft as a new version. Refuses an invalid draft (the
   * errors are shown); the server refuses it too (422 FLOW_INVALID).
   */
  async function publish(note?: string): Promise<FlowVersion | null> {
    if (!flow.value || readOnly.value) return null;
    await flush();
    const errs = await validate();
    if (errs.length) return null;
    try {
      const v = await flowsApi.publish(flow.value.id, note?.trim() || undefined);
      flow.value = { ...flow.value, publishedVersion: v.version, latestVersion: v.version, publishedAt: v.createdAt };
      return v;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'FLOW_INVALID' && Array.isArray(e.details?.errors)) errors.value = e.details.errors as ValidationError[];
      throw e;
    }
  }

  /** Shows a published version read-only (null: back to the draft). */
  async function view(version: number | null): Promise<void> {
    if (!flow.value) return;
    if (version === null) {
      viewing.value = null;
      select([]);
      return;
    }
    const v = await flowsApi.version(flow.value.id, version);
    viewing.value = v;
    select([]);
  }

  async function rollback(version: number): Promise<void> {
    if (!flow.value) return;
    const f = await flowsApi.rollback(flow.value.id, version);
    flow.value = { ...flow.value, publishedVersion: f.publishedVersion, enabled: f.enabled, latestVersion: f.latestVersion };
  }

  function focus(id: string): void {
    select([id]);
    focusRequest.value = { id, at: Date.now() };
  }

  function setTiming(t: Partial<typeof timing>): void {
    Object.assign(timing, t);
  }

  return {
    flow, nodes, edges, selectedNodes, selectedEdges, past, future, revision, savedRevision, saving, saveError, conflict, errors, viewing, highlight, stats, focusRequest,
    readOnly, shown, dirty, saveState, canUndo, canRedo, nodeById, selectedNode, errorsByNode, validationFresh, valid, statsByNode, variables,
    load, reset, addNode, connectionProblem, connect, removeEdges, removeNodes, removeSelection, moveNodes, updateConfig, select, selectAll, copy, paste,
    undo, redo, autoLayout, graph, save, overwrite, reloadDraft, flush, validate, publish, view, rollback, focus, setTiming,
  };
});
