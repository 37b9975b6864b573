/**
 * A simple layered ("Sugiyama-lite") left-to-right layout: nodes are put in columns by their
 * longest distance from a root (triggers, or nodes nobody points to), ordered within a column by
 * the mean row of their parents (one barycentre pass), then spaced evenly and centred.
 */
import type { FlowEdge, FlowNode } from '../api/types.js';

export interface LayoutOptions {
  columnGap?: number;
  rowGap?: number;
  isRoot?: (n: FlowNode) => boolean;
}

export function layeredLayout(nodes: FlowNode[], edges: FlowEdge[], opts: LayoutOptions = {}): Record<string, { x: number; y: number }> {
  const columnGap = opts.columnGap ?? 300;
  const rowGap = opts.rowGap ?? 150;
  const ids = new Set(nodes.map((n) => n.id));
  const out = new Map<string, string[]>();
  const indeg = new Map<string, number>();
  for (const n of nodes) {
    out.set(n.id, []);
    indeg.set(n.id, 0);
  }
  for (const e of edges) {
    if (!ids.has(e.source) || !ids.has(e.target) || e.source === e.target) continue;
    out.get(e.source)!.push(e.target);
    indeg.set(e.target, (indeg.get(e.target) ?? 0) + 1);
  }
  const roots = nodes.filter((n) => opts.isRoot?.(n) || indeg.get(n.id) === 0);
  // drop back edges (found by an iterative DFS from the roots) so the rest is a DAG
  const back = new Set<string>();
  const state = new Map<string, 1 | 2>();
  for (const r of [...roots, ...nodes]) {
    if (state.has(r.id)) continue;
    const stack: [string, number][] = [[r.id, 0]];
    state.set(r.id, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const next = out.get(top[0])![top[1]++];
      if (next === undefined) {
        state.set(top[0], 2);
        stack.pop();
      } else if (state.get(next) === 1) back.add(`${top[0]}>${next}`);
      else if (!state.has(next)) {
        state.set(next, 1);
        stack.push([next, 0]);
      }
    }
  }
  // longest path over the DAG (Kahn's order)
  const layer = new Map<string, number>();
  const remaining = new Map<string, number>();
  for (const n of nodes) remaining.set(n.id, 0);
  for (const [s, ts] of out) for (const t of ts) if (!back.has(`${s}>${t}`)) remaining.set(t, remaining.get(t)! + 1);
  const queue = nodes.filter((n) => remaining.get(n.id) === 0).map((n) => n.id);
  for (const id of queue) layer.set(id, 0);
  while (queue.length) {
    const id = queue.shift()!;
    for (const t of out.get(id)!) {
      if (back.has(`${id}>${t}`)) continue;
      layer.set(t, Math.max(layer.get(t) ?? 0, layer.get(id)! + 1));
      remaining.set(t, remaining.get(t)! - 1);
      if (remaining.get(t) === 0) queue.push(t);
    }
  }
  // unreachable leftovers (cycles without an entry) go after everything else
  const maxLayer = Math.max(0, ...layer.values());
  for (const n of nodes) if (!layer.has(n.id)) layer.set(n.id, maxLayer + 1);

  const columns = new Map<number, FlowNode[]>();
  for (const n of nodes) {
    const l = layer.get(n.id)!;
    if (!columns.has(l)) columns.set(l, []);
    columns.get(l)!.push(n);
  }
  const parents = new Map<string, string[]>();
  for (const e of edges) {
    if (!ids.has(e.source) || !ids.has(e.target)) continue;
    if (!parents.has(e.target)) parents.set(e.target, []);
    parents.get(e.target)!.push(e.source);
  }
  const row = new Map<string, number>();
  // order handles within a source: edges listed in output order keep branch order
  const order = new Map(nodes.map((n, i) => [n.id, i]));
  const result: Record<string, { x: number; y: number }> = {};
  const sortedLayers = [...columns.keys()].sort((a, b) => a - b);
  const tallest = Math.max(...[...columns.values()].map((c) => c.length));
  for (const l of sortedLayers) {
    const col = columns.get(l)!;
    const key = (n: FlowNode) => {
      const ps = (parents.get(n.id) ?? []).filter((p) => row.has(p) && layer.get(p)! < l);
      if (!ps.length) return order.get(n.id)!;
      // edges out of one parent: keep their order (true above false)
      const mean = ps.reduce((s, p) => s + row.get(p)!, 0) / ps.length;
      const idx = edges.findIndex((e) => e.target === n.id && ps.includes(e.source));
      return mean + idx / (edges.length + 1);
    };
    const keyed = col.map((n) => [key(n), n] as const).sort((a, b) => a[0] - b[0]);
    const offset = ((tallest - col.length) * rowGap) / 2;
    keyed.forEach(([, n], i) => {
      row.set(n.id, i);
      result[n.id] = { x: l * columnGap, y: Math.round(offset + i * rowGap) };
    });
  }
  return result;
}
