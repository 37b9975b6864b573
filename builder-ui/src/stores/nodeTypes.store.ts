import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import { flowsApi } from '../api/flows.js';
import type { NodeType } from '../api/types.js';

/** Palette order of the categories; unknown categories (plugin nodes) come last. */
export const CATEGORY_ORDER = ['trigger', 'message', 'input', 'logic', 'data', 'contact', 'chat', 'time', 'integration', 'code', 'flow'];

/** Node types from `GET /api/v1/flow-node-types` (built-ins and plugin nodes), loaded once. */
export const useNodeTypesStore = defineStore('nodeTypes', () => {
  const list = shallowRef<NodeType[]>([]);
  const byType = computed(() => new Map(list.value.map((n) => [n.type, n])));
  let loading: Promise<void> | null = null;

  function load(force = false): Promise<void> {
    if (!loading || force) {
      loading = flowsApi.nodeTypes().then((r) => {
        list.value = r.data;
      });
      loading.catch(() => (loading = null));
    }
    return loading;
  }

  function set(types: NodeType[]): void {
    list.value = types;
    loading = Promise.resolve();
  }

  /** Plugin nodes (`<pluginId>.<name>` outside core's namespaces) get their own group. */
  const isPlugin = (n: NodeType) => !['trigger', 'send', 'ask', 'logic', 'data', 'contact', 'chat', 'code', 'flow', 'http', 'time'].includes(n.type.split('.')[0]);

  /**
   * Groups for the palette, filtered by `query` (label, type, description — as given by
   * `localize` (translations) and as the server sent them; accents ignored).
   */
  function groups(query = '', localize: (n: NodeType) => NodeType = (n) => n): { category: string; types: NodeType[] }[] {
    const norm = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    const q = norm(query.trim());
    const map = new Map<string, NodeType[]>();
    for (const orig of list.value) {
      const n = localize(orig);
      if (q && !norm(`${n.label} ${n.description} ${orig.label} ${orig.type} ${orig.description} ${orig.category}`).includes(q)) continue;
      const c = isPlugin(n) ? 'plugin' : n.category;
      if (!map.has(c)) map.set(c, []);
      map.get(c)!.push(n);
    }
    const rank = (c: string) => (c === 'plugin' ? 1000 : CATEGORY_ORDER.indexOf(c) === -1 ? 999 : CATEGORY_ORDER.indexOf(c));
    return [...map].sort((a, b) => rank(a[0]) - rank(b[0])).map(([category, types]) => ({ category, types }));
  }

  return { list, byType, load, set, groups };
});
