/**
 * Graph validation (`POST /flows/validate`, publish): unknown types, invalid configs, edges to
 * nowhere or from unknown handles, missing required branches, no trigger, nodes unreachable
 * from a trigger, and cycles without a waiting node (they would spin without input).
 */
import type { FlowGraph, FlowValidationError } from './flow.types.js';
import type { NodeRegistry } from './node-registry.js';

export function validateGraph(graph: FlowGraph, registry: NodeRegistry): FlowValidationError[] {
  const errors: FlowValidationError[] = [];
  const nodes = new Map<string, FlowGraph['nodes'][number]>();
  for (const n of graph.nodes) {
    if (nodes.has(n.id)) errors.push({ nodeId: n.id, code: 'DUPLICATE_NODE_ID', message: `Node id ${n.id} is used twice` });
    nodes.set(n.id, n);
  }
  const out = new Map<string, string[]>([...nodes.keys()].map((id) => [id, []]));
  const handles = new Map<string, Set<string>>();
  for (const n of nodes.values()) {
    const def = registry.get(n.type);
    if (!def) {
      errors.push({ nodeId: n.id, code: 'UNKNOWN_NODE_TYPE', message: `Unknown node type ${n.type}` });
      continue;
    }
    const configErrors = registry.configErrors(n.type, n.config);
    for (const m of configErrors) errors.push({ nodeId: n.id, code: 'INVALID_CONFIG', message: m });
    if (!configErrors.length) for (const m of def.validate?.(n.config) ?? []) errors.push({ nodeId: n.id, code: 'INVALID_CONFIG', message: m });
  }
  for (const e of graph.edges) {
    const src = nodes.get(e.source);
    const dst = nodes.get(e.target);
    if (!src || !dst) {
      errors.push({ nodeId: src ? e.source : null, code: 'INVALID_EDGE', message: `Edge ${e.id} connects a missing node (${!src ? e.source : e.target})` });
      continue;
    }
    const def = registry.get(src.type);
    if (def && !def.outputs.includes(e.sourceHandle)) {
      errors.push({ nodeId: src.id, code: 'INVALID_EDGE', message: `Edge ${e.id} leaves from unknown output "${e.sourceHandle}" (outputs: ${def.outputs.join(', ') || 'none'})` });
      continue;
    }
    if (registry.get(dst.type)?.trigger) {
      errors.push({ nodeId: dst.id, code: 'INVALID_EDGE', message: `Edge ${e.id} enters trigger node ${dst.id}; triggers have no input` });
      continue;
    }
    const used = handles.get(src.id) ?? new Set<string>();
    if (used.has(e.sourceHandle)) {
      errors.push({ nodeId: src.id, code: 'INVALID_EDGE', message: `Output "${e.sourceHandle}" has more than one edge` });
      continue;
    }
    used.add(e.sourceHandle);
    handles.set(src.id, used);
    out.get(src.id)!.push(dst.id);
  }
  for (const n of nodes.values()) {
    const def = registry.get(n.type);
    for (const r of def?.requiredOutputs ?? []) {
      if (!handles.get(n.id)?.has(r)) errors.push({ nodeId: n.id, code: 'MISSING_BRANCH', message: `Output "${r}" must be connected` });
    }
  }
  const triggers = [...nodes.values()].filter((n) => registry.get(n.type)?.trigger);
  if (!triggers.length) errors.push({ nodeId: null, code: 'NO_TRIGGER', message: 'The flow has no trigger node' });

  const reached = new Set<string>();
  const stack = triggers.map((t) => t.id);
  while (stack.length) {
    const id = stack.pop()!;
    if (reached.has(id)) continue;
    reached.add(id);
    stack.push(...out.get(id)!);
  }
  if (triggers.length) {
    for (const id of nodes.keys()) if (!reached.has(id)) errors.push({ nodeId: id, code: 'UNREACHABLE_NODE', message: `Node ${id} cannot be reached from a trigger` });
  }

  const order = [...nodes.keys()];
  for (const comp of stronglyConnected(order, out)) {
    const scc = comp.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    const cyclic = scc.length > 1 || out.get(scc[0])!.includes(scc[0]);
    if (cyclic && !scc.some((id) => registry.get(nodes.get(id)!.type)?.waits)) {
      errors.push({ nodeId: scc[0], code: 'CYCLE_WITHOUT_WAIT', message: `Nodes ${scc.join(', ')} form a loop without a node that waits` });
    }
  }
  return errors;
}

/** Tarjan's strongly connected components (iterative). */
function stronglyConnected(ids: string[], out: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const result: string[][] = [];
  for (const root of ids) {
    if (idx.has(root)) continue;
    const work: { id: string; i: number }[] = [{ id: root, i: 0 }];
    idx.set(root, index);
    low.set(root, index++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const top = work[work.length - 1];
      const next = out.get(top.id)!;
      if (top.i < next.length) {
        const w = next[top.i++];
        if (!idx.has(w)) {
          idx.set(w, index);
          low.set(w, index++);
          stack.push(w);
          onStack.add(w);
          work.push({ id: w, i: 0 });
        } else if (onStack.has(w)) low.set(top.id, Math.min(low.get(top.id)!, idx.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) low.set(work[work.length - 1].id, Math.min(low.get(work[work.length - 1].id)!, low.get(top.id)!));
      if (low.get(top.id) === idx.get(top.id)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== top.id);
        result.push(comp);
      }
    }
  }
  return result;
}
